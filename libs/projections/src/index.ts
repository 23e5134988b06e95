export * from './projection';
export * from './checkpoints';
export * from './apply-batch';
export * from './checkpointed-subscription';
export * from './lease';
export * from './runner';
export * from './read-models';
export * from './rebuild';
