/** Bad configuration: fails start-up with a message naming the variable. */
export class ConfigError extends TypeError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
