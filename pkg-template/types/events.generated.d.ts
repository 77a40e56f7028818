// Generated from the core crate (src/) by `make generate`: edit the source, not this file.

/** `data` of `lead.created`: a lead was captured (web form, import or by hand). */
export interface LeadCreatedData {
  /** identifier */
  id: string;
  /** text */
  firstName?: string | null;
  /** text */
  lastName?: string | null;
  /** email address */
  email?: string | null;
  /** phone number */
  phone?: string | null;
  /** text */
  source?: string | null;
  /** text */
  productType?: string | null;
  /** text */
  province?: string | null;
  /** RFC 3339 date-time */
  createdAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `lead.converted`: a lead became a contact with a deal. */
export interface LeadConvertedData {
  /** identifier */
  id: string;
  /** identifier */
  contactId?: string | null;
  /** identifier */
  dealId?: string | null;
  /** RFC 3339 date-time */
  convertedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `deal.created`: a deal was opened in the pipeline. */
export interface DealCreatedData {
  /** identifier */
  id: string;
  /** text */
  title?: string | null;
  /** amount in major units */
  value?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** text */
  stage?: string | null;
  /** identifier */
  contactId?: string | null;
  /** RFC 3339 date-time */
  createdAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `deal.won`: a deal was closed as won. */
export interface DealWonData {
  /** identifier */
  id: string;
  /** text */
  title: string;
  /** amount in major units */
  value: number;
  /** ISO 4217 currency code */
  currency: string;
  /** RFC 3339 date-time */
  closedAt: string;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `deal.lost`: a deal was closed as lost. */
export interface DealLostData {
  /** identifier */
  id: string;
  /** text */
  title?: string | null;
  /** amount in major units */
  value?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** text */
  reason?: string | null;
  /** RFC 3339 date-time */
  closedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `contact.created`: a contact was added. */
export interface ContactCreatedData {
  /** identifier */
  id: string;
  /** text */
  firstName?: string | null;
  /** text */
  lastName?: string | null;
  /** email address */
  email?: string | null;
  /** phone number */
  phone?: string | null;
  /** RFC 3339 date-time */
  createdAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `contact.updated`: a contact's details changed. */
export interface ContactUpdatedData {
  /** identifier */
  id: string;
  /** text */
  firstName?: string | null;
  /** text */
  lastName?: string | null;
  /** email address */
  email?: string | null;
  /** phone number */
  phone?: string | null;
  /** RFC 3339 date-time */
  updatedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `invoice.created`: an invoice was issued. */
export interface InvoiceCreatedData {
  /** identifier */
  id: string;
  /** text */
  number?: string | null;
  /** identifier */
  contactId?: string | null;
  /** amount in major units */
  amount?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** date, YYYY-MM-DD */
  dueDate?: string | null;
  /** RFC 3339 date-time */
  createdAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `invoice.paid`: an invoice was paid in full. */
export interface InvoicePaidData {
  /** identifier */
  id: string;
  /** text */
  number?: string | null;
  /** amount in major units */
  amount?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** RFC 3339 date-time */
  paidAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `policy.created`: a policy was bound. */
export interface PolicyCreatedData {
  /** identifier */
  id: string;
  /** text */
  policyNumber?: string | null;
  /** text */
  carrier?: string | null;
  /** text */
  productType?: string | null;
  /** amount in major units */
  premium?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** date, YYYY-MM-DD */
  effectiveDate?: string | null;
  /** date, YYYY-MM-DD */
  expiryDate?: string | null;
  /** identifier */
  contactId?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `policy.renewed`: a policy was renewed for a new term. */
export interface PolicyRenewedData {
  /** identifier */
  id: string;
  /** text */
  policyNumber?: string | null;
  /** amount in major units */
  premium?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** date, YYYY-MM-DD */
  effectiveDate?: string | null;
  /** date, YYYY-MM-DD */
  expiryDate?: string | null;
  /** RFC 3339 date-time */
  renewedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `booking.created`: a meeting with a client was booked. */
export interface BookingCreatedData {
  /** identifier */
  id: string;
  /** identifier */
  contactId?: string | null;
  /** text */
  title?: string | null;
  /** RFC 3339 date-time */
  startsAt?: string | null;
  /** RFC 3339 date-time */
  endsAt?: string | null;
  /** text */
  location?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `booking.cancelled`: a booked meeting was cancelled. */
export interface BookingCancelledData {
  /** identifier */
  id: string;
  /** text */
  reason?: string | null;
  /** RFC 3339 date-time */
  cancelledAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `claim.filed`: a claim was filed against a policy. */
export interface ClaimFiledData {
  /** identifier */
  id: string;
  /** identifier */
  policyId?: string | null;
  /** text */
  claimNumber?: string | null;
  /** date, YYYY-MM-DD */
  lossDate?: string | null;
  /** text */
  description?: string | null;
  /** amount in major units */
  amount?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** RFC 3339 date-time */
  filedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** `data` of `addon.activated`: a workspace turned on a paid add-on. */
export interface AddonActivatedData {
  /** identifier */
  id: string;
  /** text */
  name?: string | null;
  /** amount in major units */
  price?: number | null;
  /** ISO 4217 currency code */
  currency?: string | null;
  /** RFC 3339 date-time */
  activatedAt?: string | null;
  /** Fields AtlasBrokers sent that the catalog does not list. */
  [field: string]: unknown;
}

/** Every event name in the catalog. */
export type EventName =
  | "lead.created"
  | "lead.converted"
  | "deal.created"
  | "deal.won"
  | "deal.lost"
  | "contact.created"
  | "contact.updated"
  | "invoice.created"
  | "invoice.paid"
  | "policy.created"
  | "policy.renewed"
  | "booking.created"
  | "booking.cancelled"
  | "claim.filed"
  | "addon.activated";

/** The first part of an event name: `deal` in `deal.won`. */
export type EventCategory =
  | "lead"
  | "deal"
  | "contact"
  | "invoice"
  | "policy"
  | "booking"
  | "claim"
  | "addon";

/** `data` type of each event. */
export interface EventDataMap {
  "lead.created": LeadCreatedData;
  "lead.converted": LeadConvertedData;
  "deal.created": DealCreatedData;
  "deal.won": DealWonData;
  "deal.lost": DealLostData;
  "contact.created": ContactCreatedData;
  "contact.updated": ContactUpdatedData;
  "invoice.created": InvoiceCreatedData;
  "invoice.paid": InvoicePaidData;
  "policy.created": PolicyCreatedData;
  "policy.renewed": PolicyRenewedData;
  "booking.created": BookingCreatedData;
  "booking.cancelled": BookingCancelledData;
  "claim.filed": ClaimFiledData;
  "addon.activated": AddonActivatedData;
}

/** Every error code, from the core; `handler_failed` comes from WebhookHandlerError. */
export type ErrorCode =
  | "missing_signature"
  | "malformed_signature"
  | "signature_mismatch"
  | "body_too_large"
  | "invalid_json"
  | "invalid_envelope"
  | "timestamp_out_of_tolerance"
  | "invalid_secret"
  | "clock_unavailable"
  | "body_already_parsed"
  | "method_not_allowed"
  | "invalid_option";
