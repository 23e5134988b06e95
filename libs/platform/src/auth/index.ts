export * from './principal';
export * from './jwt-verifier';
export * from './mint-token';
export * from './decorators';
export * from './auth.guard';
export * from './auth.module';
