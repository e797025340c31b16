/** The few Lambda shapes the handlers read, so no type package is needed for them. */

/** The Lambda invocation context's fields the handlers use. */
export interface InvocationContext {
  awsRequestId: string;
}

/** An EventBridge scheduled event (the reaper's tick). */
export interface ScheduledEvent {
  'detail-type': string;
  source: string;
  time?: string;
  id?: string;
}

/** An S3 event notification, the fields ingest reads. */
export interface S3Event {
  Records: {
    eventName?: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number } };
  }[];
}
