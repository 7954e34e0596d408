// Presets in the follow form: choose one of your saved presets to fill the form (GET /presets), and
// save the form's settings as a new preset (POST /presets). The API checks a preset as the follow it
// would make, so its messages land next to the form's fields.
import { Alert, Button, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { Preset } from '../api/types';
import { fieldErrors, type FieldErrors } from '../lib/field-errors';
import { FIELDS, type SettingsBody } from './follow-form-state';

export function usePresets() {
  return useQuery({
    queryKey: ['presets'],
    queryFn: () => api<{ presets: Preset[] }>('GET', '/presets'),
    select: (r) => r.presets,
  });
}

export function PresetPicker(props: {
  value: string;
  onChoose(preset: Preset | null): void;
  error?: string | undefined;
}) {
  const presets = usePresets();
  const items = presets.data ?? [];
  return (
    <NativeSelect
      label="Start from a preset"
      description={
        presets.isError
          ? 'Your presets could not be loaded.'
          : items.length === 0
            ? 'No presets yet: save these settings as one below.'
            : 'Fills the form with the preset’s settings; you can still change them.'
      }
      value={props.value}
      disabled={items.length === 0}
      error={props.error}
      onChange={(e) => {
        const id = e.currentTarget.value;
        props.onChoose(items.find((p) => p.id === id) ?? null);
      }}
      data={[{ value: '', label: 'No preset' }, ...items.map((p) => ({ value: p.id, label: p.name }))]}
    />
  );
}

/** "Save these settings as a preset": a name and a button; settings problems go to `onErrors`. */
export function SavePreset(props: {
  settings(): SettingsBody;
  onErrors(e: FieldErrors): void;
  onSaved(p: Preset): void;
}) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, form: null });
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      api<Preset>('POST', '/presets', { body: { name: name.trim(), settings: props.settings() } }),
    onMutate: () => {
      setErrors({ fields: {}, form: null });
      props.onErrors({ fields: {}, form: null });
    },
    onSuccess: async (p) => {
      setName('');
      await qc.invalidateQueries({ queryKey: ['presets'] });
      props.onSaved(p);
    },
    onError: (e) => {
      const found = fieldErrors(e, [...FIELDS, 'name'], ['body.settings', 'body']);
      const { name: nameError, ...fields } = found.fields;
      setErrors({ fields: nameError ? { name: nameError } : {}, form: found.form });
      props.onErrors({ fields, form: null });
    },
  });
  return (
    <>
      <Group align="end" wrap="wrap">
        <TextInput
          label="Preset name"
          description="Save the settings above to reuse them for other traders"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          // Enter here saves the preset; it must not submit the follow form around it.
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            save.mutate();
          }}
          error={errors.fields.name}
          maxLength={60}
          style={{ flex: 1, minWidth: 200 }}
        />
        <Button variant="default" loading={save.isPending} onClick={() => save.mutate()}>
          Save as preset
        </Button>
      </Group>
      {errors.form && (
        <Alert color="red" role="alert" title="The preset was not saved">
          {errors.form}
        </Alert>
      )}
      {save.isSuccess && (
        <Text size="sm" c="teal" role="status">
          Saved preset “{save.data.name}”.
        </Text>
      )}
    </>
  );
}
