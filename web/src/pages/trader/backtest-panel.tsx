// The what-if backtest: the trader's recorded fills replayed through the engine's own decision with
// the settings given here, drawn as an equity curve (cash plus positions, not cash alone).
import { Alert, Button, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { BacktestResult } from '../../api/types';
import { Money, Percent } from '../../components/figures';
import { LineChart } from '../../components/line-chart';
import { StatCard } from '../../components/stat-card';
import { fieldErrors } from '../../lib/field-errors';
import { plot } from '../../lib/format';

export function BacktestPanel({ wallet }: { wallet: string }) {
  const [days, setDays] = useState('30');
  const [start, setStart] = useState('1000');
  const [sizingMode, setSizingMode] = useState('proportional');
  const [amount, setAmount] = useState('0.05');
  const run = useMutation({
    mutationFn: () => {
      const sizing =
        sizingMode === 'fixed_usd'
          ? { fixedAmountUsd: amount.trim() }
          : { proportionalityFactor: amount.trim() };
      return api<BacktestResult>('POST', `/traders/${wallet}/backtest`, {
        body: { days: Number(days), startingBalanceUsd: start.trim(), sizingMode, ...sizing },
      });
    },
  });
  const errs = run.error
    ? fieldErrors(run.error, ['days', 'startingBalanceUsd', 'proportionalityFactor', 'fixedAmountUsd'])
    : null;
  const r = run.data;
  const series = useMemo(
    () =>
      r
        ? [
            {
              name: 'Equity',
              area: true,
              points: r.equityCurve.map((p) => ({ at: p.date, value: plot(p.equityUsd) })),
            },
            { name: 'Cash', points: r.equityCurve.map((p) => ({ at: p.date, value: plot(p.cashUsd) })) },
          ]
        : [],
    [r],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate();
  };
  return (
    <Stack>
      <form onSubmit={submit} noValidate>
        <Group align="end" wrap="wrap">
          <TextInput
            label="Days"
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.currentTarget.value)}
            error={errs?.fields.days}
            w={90}
          />
          <TextInput
            label="Starting balance (USD)"
            inputMode="decimal"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
            error={errs?.fields.startingBalanceUsd}
            w={170}
          />
          <NativeSelect
            label="Sizing"
            value={sizingMode}
            onChange={(e) => {
              setSizingMode(e.currentTarget.value);
              setAmount(e.currentTarget.value === 'fixed_usd' ? '10' : '0.05');
            }}
            data={[
              { value: 'proportional', label: 'Proportional' },
              { value: 'fixed_usd', label: 'Fixed USD per trade' },
            ]}
          />
          <TextInput
            label={sizingMode === 'fixed_usd' ? 'USD per trade' : 'Proportion'}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={errs?.fields.fixedAmountUsd ?? errs?.fields.proportionalityFactor}
            w={130}
          />
          <Button type="submit" loading={run.isPending}>
            Run backtest
          </Button>
        </Group>
      </form>
      {errs?.form && (
        <Alert color="red" role="alert">
          {errs.form}
        </Alert>
      )}
      {r && (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <StatCard label="Would have made">
              <Money value={r.pnlUsd} signed />
            </StatCard>
            <StatCard label="Return">
              <Percent value={r.returnPercent} signed />
            </StatCard>
            <StatCard label="Copies">{r.copies.total}</StatCard>
            <StatCard label="Skipped">{r.skipped}</StatCard>
          </SimpleGrid>
          {r.equityCurve.length > 1 ? (
            <LineChart
              series={series}
              label={`Backtest equity from ${r.startingBalanceUsd} to ${r.endingEquityUsd} USD`}
            />
          ) : (
            <Text c="dimmed">Too few days to draw.</Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
