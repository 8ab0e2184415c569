/**
 * What the draft editor's bound fields (TextField, NumField, SelectField) share: the frame around
 * the control (label, accessible name, hint, problems) and the attributes every control carries.
 */

/** The frame of a field: its JSON pointer, label and the parts shown around the control. */
export interface FieldFrame {
  /** The JSON pointer of the value: the control's id and `data-path`, and whose problems show. */
  path: string;
  label?: string;
  /** Accessible name when there is no visible label (table cells). */
  aria?: string;
  width?: string;
  hint?: string;
  /** Show the field's problems under it (off where they are shown on a wider line). */
  problems?: boolean;
}

/** A field bound to `obj[key]`. */
export interface BoundField extends FieldFrame {
  obj: Record<string, unknown>;
  key: string;
}

/** The attributes of a field's control (spread onto its input, select or textarea). */
export interface ControlAttrs {
  id: string;
  'data-path': string;
  'aria-label': string | undefined;
  'aria-invalid': 'true' | 'false';
}

export function controlAttrs(path: string, label: string, aria: string, invalid: boolean): ControlAttrs {
  return {
    id: path,
    'data-path': path,
    'aria-label': label ? undefined : aria || undefined,
    'aria-invalid': invalid ? 'true' : 'false',
  };
}
