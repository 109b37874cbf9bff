// npm run doctest:schema — writes report.schema.json from report-schema.mts,
// the one definition of the report's shape (the JSON file is what readers of
// the report and `ajv` use; test/doctest/report.test.mts checks it is current).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { reportSchema } from './report-schema.mts';

const file = path.join(import.meta.dirname, 'report.schema.json');
await writeFile(
  file,
  await format(JSON.stringify(reportSchema), {
    ...(await resolveConfig(file)),
    filepath: file,
  }),
);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
