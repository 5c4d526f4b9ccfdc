// The facade's Ferry-in-the-bundle: the distributions a pull carries for the isolated side (ferry
// pull --carry-ferry), and their platforms as people read them. Apart from pull, so that verify and
// inspect, which name the carried platforms, do not load the whole pull.
export { planCarriedFerry, type CarryPlan } from '../distribution/carry.ts';
export { platformLabel } from '../distribution/dist-manifest.ts';
