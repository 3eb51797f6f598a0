import { describe, expect, it } from 'vitest';
import { parseWrk } from './wrk.js';

// wrk 4.1's report with --latency, then the stat line of the shell that waited for it (cutime 1,240, cstime 310 ticks).
const REPORT = `Running 15s test @ http://127.0.0.1:42777
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.39ms    6.37ms  58.43ms   83.34%
    Req/Sec     1.23k   292.80     2.10k    71.24%
  Latency Distribution
     50%   11.80ms
     75%   15.40ms
     90%   20.52ms
     99%    1.20s
  36741 requests in 15.09s, 36.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 41
Requests/sec:   2435.10
Transfer/sec:      2.40MB
11100 (sh) S 11097 11097 4313 0 -1 4194304 85 74 0 1 0 0 1240 310 20 0 1 0 244173 2654208 378 18446744073709551615
`;

describe('parseWrk', () => {
  it('reads the rate, the answers, the latency quantiles in ms and the CPU of the waited-for wrk', () => {
    expect(parseWrk(REPORT)).toEqual({
      perSec: 2435,
      acknowledged: 36741 - 41,
      failed: 41 + 5,
      p50Ms: 11.8,
      p99Ms: 1200,
      cpuSeconds: 15.5,
    });
  });

  it('counts no failures when wrk reports none', () => {
    const clean = REPORT.replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, '');
    expect(parseWrk(clean)).toMatchObject({ acknowledged: 36741, failed: 0 });
  });

  it('reads a run of a minute or more, which wrk times in minutes', () => {
    const minute = REPORT.replace('36741 requests in 15.09s', '200220 requests in 1.00m').replace('99%    1.20s', '99%    1.50m');
    expect(parseWrk(minute)).toMatchObject({ perSec: 3337, acknowledged: 200220 - 41, p99Ms: 90_000 });
  });
});
