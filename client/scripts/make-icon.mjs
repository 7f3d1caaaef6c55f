// Draws the extension icon (client/images/icon.png, 128x128 RGBA): a navy shield with an amber rim and a
// white padlock. Run: node client/scripts/make-icon.mjs. Pure Node (zlib only), so the committed PNG
// can be regenerated anywhere; the output is deterministic.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // 4x4 supersampling per pixel for smooth edges
const NAVY = [20, 33, 61];
const AMBER = [252, 163, 17];
const WHITE = [255, 255, 255];

/** Inside the shield outline shrunk by `inset` pixels: flat top, straight sides, curved taper to a point. */
function inShield(x, y, inset) {
  const top = 10 + inset;
  const shoulder = 62;
  const bottom = 120 - inset * 1.6;
  const half = 48 - inset;
  if (y < top || y > bottom) return false;
  if (y <= shoulder) return Math.abs(x - 64) <= half;
  const t = (y - shoulder) / (bottom - shoulder); // 0 at the shoulder, 1 at the point
  return Math.abs(x - 64) <= half * Math.sqrt(1 - t * t) * (1 - 0.35 * t);
}

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The colour at a sample point, or null for transparent. Later shapes are drawn on top. */
function colourAt(x, y) {
  if (!inShield(x, y, 0)) return null;
  let c = inShield(x, y, 6) ? NAVY : AMBER;
  // Padlock shackle: upper half of a ring, with short legs into the body.
  const d = Math.hypot(x - 64, y - 56);
  if (d >= 10 && d <= 16 && y <= 56) c = WHITE;
  if (y > 56 && y <= 62 && ((x >= 48 && x <= 54) || (x >= 74 && x <= 80))) c = WHITE;
  // Padlock body with a keyhole.
  if (inRoundedRect(x, y, 42, 60, 86, 96, 5)) {
    c = WHITE;
    if (Math.hypot(x - 64, y - 74) <= 5 || (x >= 61.5 && x <= 66.5 && y >= 74 && y <= 86)) c = NAVY;
  }
  return c;
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const o = (py * SIZE + px) * 4;
    if (a > 0) {
      rgba[o] = Math.round(r / a);
      rgba[o + 1] = Math.round(g / a);
      rgba[o + 2] = Math.round(b / a);
      rgba[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type RGBA
// Each scanline starts with filter type 0 (none).
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../images/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
