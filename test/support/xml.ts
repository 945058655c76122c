/** An element of a parsed XML document. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded. */
  text: string;
}

const invalidChar = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * A strict parser for the XML subset reports use (a prolog, elements, double-quoted attributes,
 * text, the five named entities and character references); throws on anything malformed, such as
 * an unescaped `<` or `&`, a character XML 1.0 cannot hold, or a mismatched end tag. For tests.
 */
export function parseXml(xml: string): XmlElement {
  const bad = invalidChar.exec(xml);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML`);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const decode = (s: string): string => {
    if (/[<]/.test(s)) fail('unescaped <');
    return s.replace(/&([^;]*);?/g, (m, e: string) => {
      if (!m.endsWith(';')) fail(`unescaped & in ${JSON.stringify(s.slice(0, 40))}`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[e] !== undefined) return named[e];
      const n = e.startsWith('#x')
        ? Number.parseInt(e.slice(2), 16)
        : e.startsWith('#')
          ? Number(e.slice(1))
          : Number.NaN;
      if (!Number.isInteger(n)) fail(`unknown entity &${e};`);
      return String.fromCodePoint(n);
    });
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const skipSpace = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    const m = /^<([A-Za-z_][\w.-]*)/.exec(xml.slice(i));
    if (!m) fail('expected an element name');
    const el: XmlElement = { name: m![1]!, attrs: {}, children: [], text: '' };
    i += m![0].length;
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(xml.slice(i));
      if (!a) fail('expected an attribute');
      if (a![1]! in el.attrs) fail(`duplicate attribute ${a![1]}`);
      el.attrs[a![1]!] = decode(a![2]!);
      i += a![0].length;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`unclosed <${el.name}>`);
      el.text += decode(xml.slice(i, next));
      i = next;
      if (xml.startsWith('</', i)) {
        const end = `</${el.name}>`;
        if (!xml.startsWith(end, i)) fail(`expected ${end}`);
        i += end.length;
        return el;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** Every descendant element named `name`, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
