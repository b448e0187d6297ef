import { dialogOptions } from './error-page-form';
import { escapeHtml, jsLiteral, renderDialogHtml, renderErrorPageScript } from './error-page-script';

const HOSTILE = `</script><script>alert("x")</script> <!-- & 'quoted' \u2028\u2029`;

/** The value a `var NAME = <literal>;` line of the script assigns (the literals are JSON). */
function constantOf(script: string, name: string): unknown {
  const match = new RegExp(`var ${name} = (.*);\\n`).exec(script);
  if (!match) throw new Error(`no ${name} in the script`);
  return JSON.parse(match[1]!);
}

describe('crash-report dialog script', () => {
  it('escapes HTML text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('writes JS literals that cannot end the script or break a line', () => {
    const literal = jsLiteral(HOSTILE);
    expect(literal).not.toMatch(/<\/script|<!--|[\u2028\u2029]/i);
    expect(literal).not.toContain('<');
    // Still the same string once evaluated.
    expect(new Function(`return ${literal};`)()).toBe(HOSTILE);
    expect(JSON.parse(literal)).toBe(HOSTILE);
  });

  it('puts every text from the query into the markup escaped', () => {
    const options = dialogOptions(
      new URLSearchParams({
        title: HOSTILE,
        subtitle: '<img src=x onerror=alert(1)>',
        labelName: '<b>Name</b>',
        labelSubmit: 'Send & close',
        successMessage: '<i>thanks</i>',
        name: '"><script>alert(1)</script>',
        email: `x" autofocus onfocus="alert(1)`,
      }),
    );
    const html = renderDialogHtml(options);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('>Send &amp; close</button>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('value="x&quot; autofocus onfocus=&quot;alert(1)"');
    // Every `<` left starts one of our own tags, and none of them has an event-handler attribute.
    const tags = html.replace(/"[^"]*"/g, '""').match(/<[^>]*>/g)!;
    const names = new Set(tags.map((tag) => /^<\/?([a-z0-9]+)/.exec(tag)?.[1]));
    expect([...names].sort()).toEqual([
      'button',
      'div',
      'form',
      'h2',
      'input',
      'label',
      'p',
      'style',
      'textarea',
    ]);
    expect(tags.filter((tag) => /\son[a-z]+=/i.test(tag))).toEqual([]);
  });

  it('is a valid script with the escaped dialog, the strings and the endpoint embedded safely', () => {
    const options = dialogOptions(new URLSearchParams({ title: HOSTILE, errorGeneric: '</script>oops' }));
    const endpoint = 'https://glitchtip.example.com/api/embed/error-page/?dsn=x&title=%3C/script%3E';
    const script = renderErrorPageScript(options, endpoint);

    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/<\/script/i);
    expect(script).not.toMatch(/[\u2028\u2029]/);
    expect(script).toContain('__sentry_reportdialog_closed__');

    const html = constantOf(script, 'HTML') as string;
    expect(html).toBe(renderDialogHtml(options));
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;');
    expect(constantOf(script, 'STRINGS')).toEqual({
      errorGeneric: '</script>oops',
      errorFormEntry: 'Some fields are not valid. Please correct them and try again.',
    });
    expect(script).toContain(`|| ${jsLiteral(endpoint)};`);
  });

  it('labels every field and scopes ids, classes and styles under one prefix', () => {
    const html = renderDialogHtml(dialogOptions(new URLSearchParams()));
    for (const key of ['name', 'email', 'comments']) {
      expect(html).toContain(`<label for="glitchtip-rd-${key}">`);
      expect(html).toContain(`id="glitchtip-rd-${key}" name="${key}" required`);
    }
    expect(html).toContain('role="dialog" aria-modal="true" aria-labelledby="glitchtip-rd-title"');
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const classes = [...html.matchAll(/\sclass="([^"]+)"/g)].flatMap((m) => m[1]!.split(' '));
    expect([...ids, ...classes].filter((name) => !name.startsWith('glitchtip-rd-'))).toEqual([]);
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const selectors = style
      .split('}')
      .map((rule) => rule.split('{')[0]!.trim())
      .filter(Boolean)
      .flatMap((list) => list.split(',').map((s) => s.trim()));
    expect(selectors.filter((s) => !s.startsWith('.glitchtip-rd-'))).toEqual([]);
    // No external assets.
    expect(html).not.toMatch(/url\(|https?:|src=/);
  });
});
