/**
 * Writes the benchmark CSV: `rows` rows × 20 columns (8 numeric with some missing values, 7
 * categorical, 2 datetime, 1 boolean, 1 identifier, 1 text), deterministic for a seed.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export async function generateCsv(file: string, rows: number, seed = 42): Promise<void> {
  let s = seed >>> 0;
  const rand = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cities = ['Paris', 'Lyon', 'Nice', 'Lille', 'Nantes', 'Rennes', 'Brest', 'Metz'];
  const plans = ['free', 'basic', 'pro', 'team', 'enterprise'];
  const out = createWriteStream(file);
  const header = [
    'id',
    'age',
    'income',
    'balance',
    'score',
    'tenure',
    'visits',
    'spend',
    'ratio',
    'city',
    'plan',
    'channel',
    'device',
    'segment',
    'country',
    'grade',
    'signup',
    'last_seen',
    'active',
    'comment',
  ];
  out.write(`${header.join(',')}\n`);
  const start = Date.UTC(2020, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const miss = (p: number) => rand() < p;
    const row = [
      i,
      Math.floor(18 + rand() * 70),
      miss(0.05) ? '' : (30000 + normal() * 12000).toFixed(2),
      (normal() * 5000).toFixed(2),
      miss(0.02) ? '' : rand().toFixed(4),
      Math.floor(rand() * 120),
      Math.floor(-Math.log(1 - rand()) * 10),
      miss(0.1) ? '' : (Math.exp(normal()) * 50).toFixed(2),
      (rand() * 2 - 1).toFixed(5),
      cities[Math.floor(rand() * cities.length)],
      plans[Math.floor(rand() * rand() * plans.length)],
      ['web', 'app', 'store', 'phone'][Math.floor(rand() * 4)],
      miss(0.03) ? '' : ['ios', 'android', 'desktop'][Math.floor(rand() * 3)],
      `s${Math.floor(rand() * 40)}`,
      ['FR', 'DE', 'ES', 'IT', 'BE', 'NL'][Math.floor(rand() * 6)],
      'ABCDE'[Math.floor(rand() * 5)],
      new Date(start + Math.floor(rand() * 1500) * 86_400_000).toISOString().slice(0, 10),
      new Date(start + Math.floor(rand() * 1500 * 86_400) * 1000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' '),
      rand() < 0.7 ? 'true' : 'false',
      miss(0.2) ? '' : `note ${Math.floor(rand() * 1000)} about item ${Math.floor(rand() * 50)}`,
    ];
    chunk += `${row.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
}
