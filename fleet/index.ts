import { fleetProgram } from "../stacks/fleet";

// The fleet's Sealed Secrets key; the outputs are read by every cluster stack through a StackReference.
export = fleetProgram();
