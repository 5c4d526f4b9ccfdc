import type { ReactNode } from 'react';

/** One column of a DataTable: its header, and what it shows of each row. */
export interface Column<Row> {
  /** Also the column's React key: unique within a table. */
  header: string;
  cell: (row: Row) => ReactNode;
  /** Sizes and counts: header and cells right-aligned (class `num`, which then is the cells' only class). */
  num?: boolean;
  /** The cells' class, one for all or one a row: `mono` for names and digests, `small` for checksums. */
  cellClass?: string | ((row: Row) => string);
  /** A tooltip with what the cell shortens (a whole digest). */
  title?: (row: Row) => string | undefined;
}

/** A captioned table of rows under a header row, its columns given by the caller. */
export function DataTable<Row>({
  className,
  caption,
  columns,
  rows,
  rowKey,
  rowClass,
}: {
  /** What styles and tests select the table by. */
  className: string;
  caption: string;
  columns: Array<Column<Row>>;
  rows: readonly Row[];
  /** What tells rows apart across renders; rows without an identity of their own keep their place. */
  rowKey?: (row: Row) => string;
  /** `bad` marks a damaged or refused row. */
  rowClass?: (row: Row) => string;
}) {
  return (
    <table className={className}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col" className={c.num ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, n) => (
          <tr key={rowKey ? rowKey(row) : n} className={rowClass?.(row)}>
            {columns.map((c) => (
              <td key={c.header} className={cellClassOf(c, row)} title={c.title?.(row)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function cellClassOf<Row>(column: Column<Row>, row: Row): string | undefined {
  if (column.num) return 'num';
  return typeof column.cellClass === 'function' ? column.cellClass(row) : column.cellClass;
}
