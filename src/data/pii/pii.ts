import { describeValue, LatheError } from '../../core/index.js';
import { matchesPii, type PiiKind, piiKinds, piiValueKinds } from './detectors.js';

export { matchesPii, type PiiKind, type PiiValueKind, piiKinds, piiValueKinds } from './detectors.js';
export { hashPii, maskPii, type PiiAction, piiActions } from './redact.js';

/** One column to scan: its header and a sample of its values as text (null for missing). */
export interface PiiColumnInput {
  name: string;
  values: readonly (string | null)[];
}

/** Why a column was reported: its values, its header, or both. */
export type PiiEvidence = 'values' | 'header';

/** One kind of PII found in one column. Never holds the values themselves. */
export interface PiiFinding {
  column: string;
  kind: PiiKind;
  /** How many sampled non-empty values matched; 0 for a finding by header only. */
  matches: number;
  /** How many non-empty values were examined. */
  checked: number;
  /**
   * matches / checked for kinds with a value detector (0 when no value was checked); 1 for person_name,
   * which is recognised by header only.
   */
  share: number;
  /** 'values', 'header', or both (in that order) when both say so. */
  evidence: PiiEvidence[];
}

/** Options of `scanPii`. */
export interface PiiScanOptions {
  /** Report a kind from values when at least this share (0–1) of the non-empty values matched; default 0.1. */
  minShare?: number;
}

/** Normalises a header: accents stripped, lower-cased, `_`, `-`, `.` and spaces removed (`First_Name` → `firstname`). */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

/** Normalised headers that name each kind. A header must equal one of them after normalisation. */
const headerNames: Readonly<Record<PiiKind, ReadonlySet<string>>> = {
  person_name: new Set([
    'name',
    'firstname',
    'lastname',
    'surname',
    'fullname',
    'givenname',
    'familyname',
    'customername',
    'contactname',
    'middlename',
    'maidenname',
    // French, Spanish, German, Italian, Portuguese, Dutch
    'nom',
    'prenom',
    'nomdefamille',
    'nombre',
    'nombres',
    'apellido',
    'apellidos',
    'vorname',
    'nachname',
    'familienname',
    'cognome',
    'sobrenome',
    'voornaam',
    'achternaam',
  ]),
  email: new Set(['email', 'emailaddress', 'emailadresse', 'mail', 'mailaddress', 'courriel', 'correo']),
  phone: new Set([
    'phone',
    'phonenumber',
    'telephone',
    'telephonenumber',
    'tel',
    'mobile',
    'mobilenumber',
    'mobilephone',
    'cellphone',
    'telefono',
    'telefon',
    'telefonnummer',
    'handy',
  ]),
  credit_card: new Set(['creditcard', 'creditcardnumber', 'cardnumber', 'cardno', 'ccnumber', 'ccnum']),
  iban: new Set(['iban', 'ibannumber', 'ibancode']),
  ip_address: new Set([
    'ip',
    'ipaddress',
    'ipaddr',
    'ipv4',
    'ipv6',
    'clientip',
    'remoteip',
    'remoteaddr',
    'sourceip',
    'srcip',
  ]),
  national_id: new Set([
    'ssn',
    'socialsecuritynumber',
    'nationalid',
    'nationalidnumber',
    'nino',
    'ninumber',
    'nationalinsurancenumber',
    'nir',
    'dni',
    'nie',
  ]),
};

/** The kinds a column header names (at most one with the built-in lists), in `piiKinds` order. */
export function piiKindsForHeader(header: string): PiiKind[] {
  const normalized = normalizeHeader(header);
  return piiKinds.filter((kind) => headerNames[kind].has(normalized));
}

function checkOptions(options: PiiScanOptions | undefined): number {
  const minShare = options?.minShare ?? 0.1;
  if (typeof minShare !== 'number' || !Number.isFinite(minShare) || minShare < 0 || minShare > 1)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected minShare to be a number from 0 to 1, got ${describeValue(minShare)}.`,
      { option: 'minShare' },
    );
  return minShare;
}

function checkColumn(column: PiiColumnInput, index: number): void {
  if (
    column === null ||
    typeof column !== 'object' ||
    typeof column.name !== 'string' ||
    !Array.isArray(column.values)
  )
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected column ${index} to be { name: string, values: (string | null)[] }, got ${describeValue(column)}.`,
      { column: index },
    );
}

/**
 * Scans a sample of each column for PII. A value is examined when it is a non-empty string after trimming
 * (null, undefined and blank values are skipped and not counted). A kind is reported for a column when
 * at least one value and at least `minShare` of the examined values match it (evidence 'values'), or when the
 * header names it (evidence 'header', reported whatever the share); person_name is reported by header only.
 * Findings come in column order, then by share descending, then in `piiKinds` order. Findings carry counts
 * only, never values, so they are safe to log and store.
 * @throws LatheError INVALID_ARGUMENT when minShare is outside 0–1 or a column is malformed.
 */
export function scanPii(columns: readonly PiiColumnInput[], options?: PiiScanOptions): PiiFinding[] {
  if (!Array.isArray(columns))
    throw new LatheError('INVALID_ARGUMENT', `Expected an array of columns, got ${describeValue(columns)}.`);
  const minShare = checkOptions(options);
  const findings: PiiFinding[] = [];
  columns.forEach((column, index) => {
    checkColumn(column, index);
    const values: string[] = [];
    for (const value of column.values) {
      if (typeof value !== 'string') continue;
      const trimmed = value.trim();
      if (trimmed.length > 0) values.push(trimmed);
    }
    const checked = values.length;
    const named = new Set(piiKindsForHeader(column.name));
    const found: PiiFinding[] = [];
    for (const kind of piiValueKinds) {
      let matches = 0;
      for (const value of values) if (matchesPii(kind, value)) matches++;
      const share = checked === 0 ? 0 : matches / checked;
      const evidence: PiiEvidence[] = [];
      if (matches > 0 && share >= minShare) evidence.push('values');
      if (named.has(kind)) evidence.push('header');
      if (evidence.length > 0) found.push({ column: column.name, kind, matches, checked, share, evidence });
    }
    if (named.has('person_name'))
      found.push({
        column: column.name,
        kind: 'person_name',
        matches: 0,
        checked,
        share: 1,
        evidence: ['header'],
      });
    found.sort((a, b) => b.share - a.share || piiKinds.indexOf(a.kind) - piiKinds.indexOf(b.kind));
    findings.push(...found);
  });
  return findings;
}
