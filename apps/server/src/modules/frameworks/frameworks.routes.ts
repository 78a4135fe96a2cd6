import { Type } from 'typebox';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { FRAMEWORKS } from './frameworks.ts';

const FrameworkList = Type.Object({
  frameworks: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});

export const frameworkRoutes: AppPlugin<Record<never, never>> = async (app) => {
  app.get(
    '/api/frameworks',
    declareRoutes(
      ['agents'],
      'public',
    )({
      summary: 'The AI frameworks an agent may declare',
      operationId: 'listFrameworks',
      response: { 200: FrameworkList },
    }),
    async () => ({ frameworks: FRAMEWORKS.entries }),
  );
};
