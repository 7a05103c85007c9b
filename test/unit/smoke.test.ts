import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES } from '../../src/core/types';
test('twelve languages are declared', () => { assert.equal(LANGUAGES.length, 12); });
