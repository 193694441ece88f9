export { importFile, ImportDatabaseError, ImportMappingError, ImportRejectedError, type ImportOptions, type ImportReport, type RejectedRow } from './import.ts';
export {
  mapHeaders,
  matchScore,
  normaliseName,
  parseSavedMapping,
  savedMapping,
  DEFAULT_MAPPING_THRESHOLD,
  type MappingEntry,
  type MappingResult,
  type MatchMethod,
  type SavedMapping,
} from './mapping.ts';
export { createTableOp, inferType } from './infer.ts';
export { openSource, sniffFormat } from './open-source.ts';
export { SourceError, type CellValue, type SourceRow, type TabularSource } from './source.ts';
export { DEFAULT_ZIP_LIMITS, guardZip, readZipDirectory, ZipLimitError, type ZipLimits } from './zip-guard.ts';
export { TEXT_ENCODINGS, type TextEncodingName } from './encoding.ts';
export type { DateOrder } from './values.ts';
