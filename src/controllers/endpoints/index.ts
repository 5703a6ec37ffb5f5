// Endpoints and EndpointSlices for Services with a selector: two controllers over the same
// informers, as in Kubernetes' controller manager.
export { EndpointsController, desiredSubsets, HEADLESS_LABEL, OVER_CAPACITY_ANNOTATION, MAX_ENDPOINTS_CAPACITY, type EndpointsControllerOptions } from './endpoints.js';
export {
  EndpointSliceController, addressTypes, sliceLabels, podToEndpoint,
  LABEL_SERVICE_NAME, LABEL_MANAGED_BY, CONTROLLER_NAME, MAX_ENDPOINTS_PER_SLICE, type EndpointSliceControllerOptions,
} from './endpointslice.js';
export { findPort, isPodReady, shouldPodBeInEndpoints } from './util.js';
