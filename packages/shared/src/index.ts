export * from './rows.js';
export * from './dialogues.js';
