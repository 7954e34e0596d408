// The follow form (new follow and edit): paper or live, a preset to start from, sizing, caps,
// slippage and the price band, what to copy (buys/sells, leader trade size, categories, markets),
// exits, the circuit breaker, and — for a new follow — copying the trader's open positions. Values
// are sent as the API's decimal strings (follow-form-state.ts); the API's validation messages are
// shown next to the fields they name. Every setting: docs/copy-engine.md "Copy settings".
import {
  Alert,
  Button,
  Checkbox,
  Chip,
  Fieldset,
  Group,
  NativeSelect,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Follow, FollowDefaults, Preset } from '../api/types';
import { fieldErrors, type FieldErrors } from '../lib/field-errors';
import { PresetPicker, SavePreset } from './follow-form-presets';
import {
  CATEGORY_NAMES,
  FIELDS,
  initialState,
  settingsBody,
  withSettings,
  type FormState,
  type TextField,
} from './follow-form-state';

export type FollowBody = Record<string, unknown>;

interface Props {
  initial?: Follow;
  /** A new follow starts from the platform's defaults (GET /config), never from a copy of them. */
  defaults?: FollowDefaults;
  submitLabel: string;
  needsTotp: boolean;
  onSubmit(body: FollowBody, totp: string | null): Promise<void>;
}

const LABELS: Record<TextField, { label: string; hint?: string }> = {
  proportionalityFactor: { label: 'Proportion of the leader’s trade', hint: '0.01 copies 1% of each trade' },
  fixedAmountUsd: { label: 'Fixed amount per trade (USD)' },
  balancePercent: { label: 'Percent of your balance per trade' },
  maxInvestmentPerTradeUsd: { label: 'Max per trade (USD)' },
  maxTotalExposureUsd: { label: 'Max total exposure (USD)' },
  minTradeSizeUsd: { label: 'Skip copies below (USD)' },
  budgetUsd: { label: 'Budget for this trader (USD)', hint: 'empty: no budget' },
  maxSlippagePercent: { label: 'Max slippage (%)' },
  buySlippagePercent: { label: 'Buy slippage (%)', hint: 'empty: the max slippage' },
  sellSlippagePercent: { label: 'Sell slippage (%)', hint: 'empty: the max slippage' },
  maxBuyPrice: { label: 'Buy only below price', hint: '0 to 1' },
  minSellPrice: { label: 'Sell only above price', hint: '0 to 1' },
  minLeaderTradeUsd: {
    label: 'Ignore leader buys below (USD)',
    hint: 'the trader’s own amount; empty: no minimum',
  },
  maxLeaderTradeUsd: {
    label: 'Ignore leader buys above (USD)',
    hint: 'the trader’s own amount; empty: no maximum',
  },
  stopLossPercent: { label: 'Stop-loss (%)' },
  takeProfitPercent: { label: 'Take-profit (%)' },
  maxConsecutiveFailures: {
    label: 'Pause after failed copies in a row',
    hint: 'a whole number from 1 to 100; empty: never pause',
  },
};

export function FollowForm({ initial, defaults, submitLabel, needsTotp, onSubmit }: Props) {
  const create = !initial;
  const [st, setSt] = useState<FormState>(() => initialState(initial, defaults));
  const [presetId, setPresetId] = useState('');
  const [totp, setTotp] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const patch = (p: Partial<FormState>) => setSt((s) => ({ ...s, ...p }));

  // A new follow takes the defaults, then the preset (as the API applies presetId); an edit takes
  // the preset's settings over the follow's current ones.
  function choosePreset(p: Preset | null) {
    setPresetId(p?.id ?? '');
    if (!p) return;
    setSt((s) =>
      withSettings(create ? { ...initialState(undefined, defaults), mode: s.mode } : s, p.settings),
    );
  }

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({ fields: {}, form: null });
    try {
      const body: FollowBody = { mode: st.mode, ...settingsBody(st, create) };
      // PATCH has no presetId: a preset applies to a follow when it is made.
      if (create && presetId) body.presetId = presetId;
      await onSubmit(body, needsTotp && st.mode === 'live' ? totp.trim() : null);
    } catch (e) {
      setErrors(fieldErrors(e, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  const input = (k: TextField) => (
    <TextInput
      key={k}
      label={LABELS[k].label}
      description={LABELS[k].hint}
      inputMode={k === 'maxConsecutiveFailures' ? 'numeric' : 'decimal'}
      value={st.values[k]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setSt((s) => ({ ...s, values: { ...s.values, [k]: value } }));
      }}
      error={errors.fields[k]}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {errors.form && (
          <Alert color="red" role="alert" title="The follow was not saved">
            {errors.form}
          </Alert>
        )}
        <ModeControl st={st} patch={patch} error={errors.fields.mode} />
        <PresetPicker value={presetId} onChoose={choosePreset} error={errors.fields.presetId} />
        <SettingsFields st={st} patch={patch} errors={errors} input={input} />
        <WhatToCopy st={st} patch={patch} errors={errors} input={input} />
        <ExitsAndSafety st={st} patch={patch} errors={errors} input={input} create={create} />
        <Fieldset legend="Preset">
          <Stack gap="xs">
            <SavePreset
              settings={() => settingsBody(st, create)}
              onErrors={setErrors}
              onSaved={(p) => setPresetId(p.id)}
            />
          </Stack>
        </Fieldset>
        {needsTotp && st.mode === 'live' && <TotpInput value={totp} onChange={setTotp} />}
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}

function ModeControl(props: {
  st: FormState;
  patch(p: Partial<FormState>): void;
  error?: string | undefined;
}) {
  return (
    <Stack gap={4}>
      <Text fw={500} size="sm" id="mode-label">
        Mode
      </Text>
      <SegmentedControl
        aria-labelledby="mode-label"
        value={props.st.mode}
        onChange={(v) => props.patch({ mode: v as 'paper' | 'live' })}
        data={[
          { value: 'paper', label: 'Paper (virtual money)' },
          { value: 'live', label: 'Live (Polymarket)' },
        ]}
      />
      <FieldError text={props.error} />
    </Stack>
  );
}

function FieldError({ text }: { text?: string | undefined }) {
  return text ? (
    <Text c="var(--mantine-color-error)" size="sm">
      {text}
    </Text>
  ) : null;
}

function CategoryChips(props: {
  id: string;
  label: string;
  value: string[];
  onChange(v: string[]): void;
  error?: string | undefined;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={props.id}>
        {props.label}
      </Text>
      <Chip.Group multiple value={props.value} onChange={props.onChange}>
        <Group gap={6} role="group" aria-labelledby={props.id}>
          {CATEGORY_NAMES.map((c) => (
            <Chip key={c} value={c} size="xs">
              {c}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <FieldError text={props.error} />
    </Stack>
  );
}

function WhatToCopy(props: SectionProps) {
  const { st, patch, errors, input } = props;
  return (
    <Fieldset legend="What to copy">
      <Stack>
        <Group>
          <Checkbox
            label="Copy buys"
            checked={st.copyBuys}
            onChange={(e) => patch({ copyBuys: e.currentTarget.checked })}
          />
          <Checkbox
            label="Copy sells"
            checked={st.copySells}
            onChange={(e) => patch({ copySells: e.currentTarget.checked })}
          />
        </Group>
        <FieldError text={errors.fields.copyBuys ?? errors.fields.copySells} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {input('minLeaderTradeUsd')}
          {input('maxLeaderTradeUsd')}
        </SimpleGrid>
        <CategoryChips
          id="categories-label"
          label="Only these categories (none selected: all)"
          value={st.categories}
          onChange={(categories) => patch({ categories })}
          error={errors.fields.categories}
        />
        <CategoryChips
          id="excluded-categories-label"
          label="Never these categories"
          value={st.excludedCategories}
          onChange={(excludedCategories) => patch({ excludedCategories })}
          error={errors.fields.excludedCategories}
        />
        <Textarea
          label="Only copy these markets"
          description="Market slugs or ids, separated by commas; empty: all markets"
          value={st.allowedMarkets}
          onChange={(e) => patch({ allowedMarkets: e.currentTarget.value })}
          error={errors.fields.allowedMarkets}
          autosize
          minRows={1}
        />
        <Textarea
          label="Never copy these markets"
          description="Market slugs or ids, separated by commas"
          value={st.excludedMarkets}
          onChange={(e) => patch({ excludedMarkets: e.currentTarget.value })}
          error={errors.fields.excludedMarkets}
          autosize
          minRows={1}
        />
      </Stack>
    </Fieldset>
  );
}

type SectionProps = {
  st: FormState;
  patch(p: Partial<FormState>): void;
  errors: FieldErrors;
  input(k: TextField): React.ReactNode;
};

function SettingsFields({ st, patch, errors, input }: SectionProps) {
  return (
    <>
      <Fieldset legend="Sizing">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label="Sizing mode"
            value={st.sizingMode}
            onChange={(e) => patch({ sizingMode: e.currentTarget.value })}
            error={errors.fields.sizingMode}
            data={[
              { value: 'proportional', label: 'Proportional to the leader' },
              { value: 'fixed_usd', label: 'Fixed amount per trade' },
              { value: 'balance_percent', label: 'Percent of my balance' },
              { value: 'portfolio_weight', label: 'Leader’s portfolio weight' },
            ]}
          />
          {st.sizingMode === 'proportional' && input('proportionalityFactor')}
          {st.sizingMode === 'fixed_usd' && input('fixedAmountUsd')}
          {st.sizingMode === 'balance_percent' && input('balancePercent')}
          {st.sizingMode === 'balance_percent' && (
            <NativeSelect
              label="Balance the percent is of"
              value={st.balanceSource}
              onChange={(e) => patch({ balanceSource: e.currentTarget.value as 'cash' | 'equity' })}
              error={errors.fields.balanceSource}
              data={[
                { value: 'cash', label: 'Cash' },
                { value: 'equity', label: 'Equity (cash + open positions)' },
              ]}
            />
          )}
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Caps">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {input('maxInvestmentPerTradeUsd')}
          {input('maxTotalExposureUsd')}
          {input('minTradeSizeUsd')}
          {input('budgetUsd')}
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Prices and slippage">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {input('maxSlippagePercent')}
          {input('buySlippagePercent')}
          {input('sellSlippagePercent')}
          {input('maxBuyPrice')}
          {input('minSellPrice')}
        </SimpleGrid>
      </Fieldset>
    </>
  );
}

function ExitsAndSafety(props: SectionProps & { create: boolean }) {
  return (
    <>
      <Fieldset legend="Exits and safety">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {props.input('stopLossPercent')}
          {props.input('takeProfitPercent')}
          {props.input('maxConsecutiveFailures')}
        </SimpleGrid>
      </Fieldset>
      {props.create && (
        <Switch
          label="Also copy the trader’s open positions now"
          description="Buys into each position the trader holds when you follow, in proportion as your sizing says, priced from the book within your slippage; each one is a decision with its reason."
          checked={props.st.copyOpenPositions}
          onChange={(e) => props.patch({ copyOpenPositions: e.currentTarget.checked })}
          error={props.errors.fields.copyOpenPositions}
        />
      )}
    </>
  );
}

function TotpInput(props: { value: string; onChange(v: string): void }) {
  return (
    <TextInput
      label="Two-factor code"
      description="Live copying needs a fresh code"
      autoComplete="one-time-code"
      inputMode="numeric"
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}
