/** One child element of an entity description in a create/update request. */
export interface DescriptionElement {
  /** Unescaped text content; for an element with children, their raw markup. */
  text: string;
  hasChildren: boolean;
  /** `i:nil="true"`: the element is present but says "no value". */
  nil: boolean;
}

export interface EntityDescription {
  /** The description's element name: `QueueDescription`, `TopicDescription`, `SubscriptionDescription`, ... */
  kind: string;
  /** Direct children by local name, in document order. */
  elements: Map<string, DescriptionElement>;
}

const DESCRIPTION = /<(?:[\w.-]+:)?(\w+Description)\b[^>]*?(\/?)>/;
const NIL = /\bnil\s*=\s*["']true["']/;

/**
 * Reads the entity description in the Atom entry of a PUT (what the SDK's atomXmlHelper writes). Only the
 * description's direct children matter, so a small tag scanner does instead of an XML parser.
 * undefined when the body holds no `*Description` element.
 */
export function readEntityDescription(xml: string): EntityDescription | undefined {
  const open = DESCRIPTION.exec(xml);
  if (!open) return undefined;
  const description: EntityDescription = { kind: open[1]!, elements: new Map() };
  if (open[2] === '/') return description;

  const tag = /<(\/?)(?:[\w.-]+:)?([\w.-]+)((?:\s[^>]*?)?)(\/?)>/g;
  tag.lastIndex = open.index + open[0].length;
  let depth = 0;
  let current: { name: string; contentStart: number; nil: boolean; hasChildren: boolean } | undefined;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    const [whole, closing, name, attributes, selfClosing] = match as unknown as [string, string, string, string, string];
    if (closing) {
      if (depth === 0) break; // the description's own end tag
      depth--;
      if (depth === 0 && current) {
        const text = xml.slice(current.contentStart, match.index).trim();
        description.elements.set(current.name, { text: current.hasChildren ? text : unescapeXml(text), hasChildren: current.hasChildren, nil: current.nil });
        current = undefined;
      }
    } else if (depth === 0) {
      const nil = NIL.test(attributes);
      if (selfClosing) description.elements.set(name, { text: '', hasChildren: false, nil });
      else current = { name, contentStart: match.index + whole.length, nil, hasChildren: false };
      if (!selfClosing) depth++;
    } else {
      if (current) current.hasChildren = true;
      if (!selfClosing) depth++;
    }
  }
  return description;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
