// Building DOM nodes without HTML strings: text is always set as text, so nothing the API
// returns can inject markup.

// h('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', otherNode, [more])
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name in element && typeof value !== 'string') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

// Replaces every child of `element`.
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

// Tells screen readers about a change that is not where the focus is.
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message;
}

// A short message box: kind is 'error', 'info' or 'ok'.
export function notice(kind, ...children) {
  return h('div', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, ...children);
}
