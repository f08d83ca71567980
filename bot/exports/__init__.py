"""Report files: the Excel workbook, the per-person CSV and the PNG charts."""
