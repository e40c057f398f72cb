import { adaptSeventeenTrack, SEVENTEEN_TRACK } from '../../providers/seventeen-track.js';
import { verifySeventeenTrack } from '../verify-signature.js';
import type { WebhookRoute } from './route.js';

/** 17TRACK API v2: Settings > WebHook, URL .../webhooks/17track; signed with the API key (17token). */
export const seventeenTrackRoute: WebhookRoute = {
  path: '/17track',
  provider: SEVENTEEN_TRACK,
  secretName: 'SEVENTEENTRACK_API_KEY',
  signatureHeader: 'sign',
  verify: verifySeventeenTrack,
  adapt: adaptSeventeenTrack,
};
