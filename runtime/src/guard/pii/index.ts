export { scanPii, type PiiScanOptions, type PiiScanResult, type PiiColumnReport } from './scan.ts';
export { classifyColumn, classifyValue, redactSample, DETECTION_THRESHOLD, type PiiCategoryHit } from './classify.ts';
export {
  PII_CATEGORIES,
  VALUE_CATEGORIES,
  NAME_CATEGORIES,
  CATEGORY_LAW,
  categoriesFromName,
  controlsOf,
  frameworksOf,
  type PiiCategory,
  type ValueCategory,
  type NameCategory,
  type CategoryLaw,
} from './categories.ts';
export {
  isEmail,
  isCreditCard,
  isIban,
  isSgNric,
  luhnValid,
  luhnCheckDigit,
  cardIinValid,
  ibanCheckDigits,
  nricCheckLetter,
  ssnStrength,
  phoneStrength,
  ipVersion,
  isPlausibleBirthDate,
  IBAN_LENGTHS,
  type Strength,
} from './validators.ts';
