#!/usr/bin/env node
// Node 20 cannot run TypeScript by itself: tsx compiles the CLI (and @tessera/client, which is
// shipped as TypeScript source) on the fly. Loading it here keeps `npx tessera` free of a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
