/**
 * The generated ~100 MB table of the browser tests (and of `npm run demo -- --large`): 8 gzip
 * Parquet files of 500,000 rows each, 5 row groups per file (~126 MiB, 4,000,000 rows), written by
 * the test builder into tmp/browser-tables/ once and reused while this module's description is
 * unchanged.
 *
 * Columns: `id` long (0…n-1), `qty` int (1…100), `price` double (5,000 values), dictionary-encoded
 * strings `product` (1,000 values), `region` (5), `customer` (20,000), `city` (2,000), and `comment`
 * (16 words of a 40-word vocabulary, distinct per row).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTable } from '../builder/build-table.ts';
import { mulberry32 } from '../helpers/seeded-random.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Files, rows per file and rows per row group. */
export const LARGE_TABLE_SHAPE = { files: 8, rowsPerFile: 500_000, rowGroupRows: 100_000, batchRows: 100_000 } as const;

const REGIONS = ['europe', 'asia', 'africa', 'americas', 'oceania'];
const WORDS = ['fast', 'late', 'gift', 'returned', 'fragile', 'express', 'bulk', 'sample', 'priority', 'standard', 'damaged', 'repeat',
  'customer', 'asked', 'for', 'delivery', 'before', 'noon', 'leave', 'at', 'door', 'call', 'on', 'arrival', 'wrapped', 'box',
  'two', 'three', 'items', 'missing', 'replacement', 'sent', 'refund', 'issued', 'warehouse', 'north', 'south', 'east', 'west', 'dock'];
const PRODUCTS = Array.from({ length: 1000 }, (_, i) => `product-${(i * 7919) % 1000}-${['mango', 'kiwi', 'plum', 'fig', 'lime'][i % 5]}-organic-premium-box`);
const CUSTOMERS = Array.from({ length: 20_000 }, (_, i) => `customer-${((i * 104729) % 20_000).toString().padStart(5, '0')}@example.org`);
const CITIES = Array.from({ length: 2000 }, (_, i) => `city-${i}-${WORDS[i % WORDS.length]}-${WORDS[(i * 7) % WORDS.length]}`);

const DESCRIPTION_VERSION = createHash('sha256').update(JSON.stringify({ LARGE_TABLE_SHAPE, REGIONS, PRODUCTS, CUSTOMERS, CITIES, WORDS, v: 3 })).digest('hex').slice(0, 12);

/** The generated table: its folder, current metadata file, row count and size of its data files. */
export interface LargeTable {
  readonly dir: string;
  /** Path of the metadata file, relative to `dir`. */
  readonly metadataFile: string;
  readonly rows: number;
  readonly dataBytes: number;
}

/** Builds the table unless tmp/ already holds this version of it. */
export async function ensureLargeTable(): Promise<LargeTable> {
  const base = join(ROOT, 'tmp', 'browser-tables');
  const dir = join(base, `large-${DESCRIPTION_VERSION}`);
  const done = join(dir, '.complete.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as LargeTable;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { files, rowsPerFile, rowGroupRows, batchRows } = LARGE_TABLE_SHAPE;
  const built = await buildTable(dir, {
    formatVersion: 2,
    seed: 19,
    schema: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'qty', type: 'int', required: true },
      { id: 3, name: 'price', type: 'double', required: true },
      { id: 4, name: 'product', type: 'string' },
      { id: 5, name: 'region', type: 'string' },
      { id: 6, name: 'customer', type: 'string' },
      { id: 7, name: 'city', type: 'string' },
      { id: 8, name: 'comment', type: 'string' },
    ],
    compression: 'gzip',
    steps: [
      {
        label: 'load',
        append: Array.from({ length: files }, (_, f) => ({
          name: `part-${f}`,
          rowGroupSize: rowGroupRows,
          generate: {
            batches: rowsPerFile / batchRows,
            batch: (b: number) => {
              const random = mulberry32(f * 1000 + b + 1);
              const first = f * rowsPerFile + b * batchRows;
              const id = new BigInt64Array(batchRows);
              const qty = new Int32Array(batchRows);
              const price = new Float64Array(batchRows);
              const product: string[] = new Array(batchRows);
              const region: string[] = new Array(batchRows);
              const customer: string[] = new Array(batchRows);
              const city: string[] = new Array(batchRows);
              const comment: string[] = new Array(batchRows);
              for (let i = 0; i < batchRows; i++) {
                id[i] = BigInt(first + i);
                qty[i] = 1 + Math.floor(random() * 100);
                price[i] = (100 + Math.floor(random() * 5000)) / 4;
                product[i] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
                region[i] = REGIONS[Math.floor(random() * REGIONS.length)]!;
                customer[i] = CUSTOMERS[Math.floor(random() * CUSTOMERS.length)]!;
                city[i] = CITIES[Math.floor(random() * CITIES.length)]!;
                const words: string[] = [];
                for (let w = 0; w < 16; w++) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
                comment[i] = words.join(' ');
              }
              return { id, qty, price, product, region, customer, city, comment };
            },
          },
        })),
      },
    ],
  });
  let dataBytes = 0;
  for (const name of readdirSync(join(dir, 'data'), { recursive: true }) as string[]) {
    if (name.endsWith('.parquet')) dataBytes += statSync(join(dir, 'data', name)).size;
  }
  const result: LargeTable = {
    dir,
    metadataFile: built.metadataPath.slice(dir.length + 1),
    rows: files * rowsPerFile,
    dataBytes,
  };
  writeFileSync(done, JSON.stringify(result));
  // Older versions of the table are dropped.
  for (const other of readdirSync(base)) if (other !== `large-${DESCRIPTION_VERSION}`) rmSync(join(base, other), { recursive: true, force: true });
  return result;
}
