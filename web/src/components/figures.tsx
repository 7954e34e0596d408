// Money and percentages with their sign and colour (green up, red down), from decimal strings.
import { Text, type TextProps } from '@mantine/core';
import { money, percent, tone, type Tone } from '../lib/format';

const COLOR: Record<Tone, string | undefined> = {
  positive: 'var(--pc-positive)',
  negative: 'var(--pc-negative)',
  neutral: undefined,
};

export function toneColor(t: Tone): string | undefined {
  return COLOR[t];
}

type Props = { value: string | null | undefined; signed?: boolean; places?: number } & Omit<
  TextProps,
  'children'
>;

export function Money({ value, signed = false, places, ...rest }: Props) {
  return (
    <Text span inherit c={signed ? COLOR[tone(value)] : undefined} ff="monospace" {...rest}>
      {money(value, { signed, places })}
    </Text>
  );
}

export function Percent({
  value,
  signed = false,
  ratio = false,
  places,
  ...rest
}: Props & { ratio?: boolean }) {
  return (
    <Text span inherit c={signed ? COLOR[tone(value)] : undefined} ff="monospace" {...rest}>
      {percent(value, { signed, ratio, places })}
    </Text>
  );
}
