// Only route handlers: nothing to optimise or download at build time.
export default {};
