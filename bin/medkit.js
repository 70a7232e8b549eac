#!/usr/bin/env node
// The medkit command. medkit ships TypeScript sources and runs them through tsx (Node 20 has no
// type stripping), so `npx medkit` works straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
