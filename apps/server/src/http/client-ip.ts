/** The caller's address as the proxy reports it (first hop of `x-forwarded-for`, else `x-real-ip`): audit and rate limits. */
export function clientIp(c: { req: { header(name: string): string | undefined } }): string | undefined {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? c.req.header('x-real-ip') ?? undefined;
}
