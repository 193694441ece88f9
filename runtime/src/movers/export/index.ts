export { ExportError, exportQuery, exportRows, exportTable, type ExportOptions, type ExportReport, type RowTransform } from './export.ts';
export { csvCell, decodeXlsxText, encodeXlsxText, headerCell, neutraliseFormula, restoreNeutralised, xlsxCell, xlsxHeaderCell } from './cells.ts';
