/**
 * A registry write refused for the state it would change: the id is taken, an
 * audience or client it names does not exist. Admin tools print the message (one line)
 * and exit non-zero; nothing was written.
 */
export class RegistryRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryRefusal';
  }
}
