import { InputError } from '../errors/input-error.ts';

export type Environment = 'development' | 'production';

const aliases: Readonly<Record<string, Environment>> = Object.freeze({
  dev: 'development',
  development: 'development',
  prod: 'production',
  production: 'production',
});

/** Accepts the names operators type (`dev`, `prod`) as well as the full ones. */
export function parseEnvironment(name: string): Environment {
  const environment = aliases[name.trim().toLowerCase()];
  if (!environment) {
    throw new InputError(`Unknown environment "${name}". Use --env development (or dev) or --env production (or prod).`);
  }
  return environment;
}

/** The short name used in file names: docker-compose.dev.yml, docker-compose.prod.yml. */
export function shortName(environment: Environment): 'dev' | 'prod' {
  return environment === 'development' ? 'dev' : 'prod';
}
