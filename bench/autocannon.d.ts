// autocannon ships no types; the suite uses a handful of its fields.
declare module 'autocannon';
