// Container image references as the kubelet reads them (distribution's reference grammar, as
// ParseNormalizedNamed applies it): whether a reference is valid, with Go's error text, and its tag.
// The patterns are written so that no input makes them backtrack badly (separators are never empty).

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

/** `[domain, remainder]` as distribution's splitDockerDomain splits a familiar name */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    return ['docker.io', name.includes('/') ? name : `library/${name}`];
  }
  return [first, name.slice(i + 1)];
}

/**
 * Why `image` is not a valid reference (the text Go's reference.ParseNormalizedNamed gives), or
 * undefined when it is.
 */
export function imageReferenceError(image: string): string | undefined {
  if (image.length > 1024) return 'invalid reference format';
  if (IDENTIFIER.test(image)) return `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`;
  const [domain, remainder] = splitDomain(image);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep < 0 ? remainder : remainder.slice(0, tagSep);
  if (remote.toLowerCase() !== remote) return 'invalid reference format: repository name must be lowercase';
  const full = `${domain}/${remainder}`;
  const m = REFERENCE.exec(full);
  if (!m) {
    if (full === '') return 'repository name must have at least one component';
    if (REFERENCE.test(full.toLowerCase())) return 'invalid reference format: repository name must be lowercase';
    return 'invalid reference format';
  }
  if (m[1]!.length > NAME_MAX) return `repository name must not be more than ${NAME_MAX} characters`;
  return undefined;
}

/** the tag of a reference: 'latest' when it has none (the kubelet's default), '' with a digest */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return '';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}
