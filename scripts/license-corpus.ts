// Build step (run by esbuild.mjs as a bundle): precomputes the SPDX licence corpus into a file beside the
// bundles, so the CLI, the extension and the pre-commit review read it instead of building it from the
// licence texts in every process. Usage: node <bundle of this file> dist/license-corpus.json
import { renameSync, writeFileSync } from 'node:fs';
import { buildSpdxCorpus, serializeLicenseCorpus } from '../src/node/license';

const out = process.argv[2];
if (!out) throw new Error('usage: license-corpus <output file>');
writeFileSync(`${out}.tmp`, serializeLicenseCorpus(buildSpdxCorpus()));
renameSync(`${out}.tmp`, out);
