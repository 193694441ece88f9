export { exportQuery, exportRows, exportTable, type ExportOptions, type ExportReport, type RowTransform } from './export.ts';
export { csvCell, neutraliseFormula, restoreNeutralised, xlsxCell } from './cells.ts';
