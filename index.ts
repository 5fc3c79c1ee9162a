import { program } from "./stacks/program";

// Validates the stack's config first (one line per problem, nothing registered on error), then deploys the fleet
// key or one cluster. The returned object is the stack's outputs.
export = program();
