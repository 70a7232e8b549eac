// The openai provider's tests once more with plain chat calls on the SDK (MEDKIT_OPENAI_TRANSPORT=sdk): the lean
// undici path (the default, openai.test.ts) and the SDK path must give the same requests, replies and errors.
process.env.MEDKIT_OPENAI_TRANSPORT = 'sdk';
await import('./openai.test.js');
