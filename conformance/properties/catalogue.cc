// Every check of the suite with the docs/CONTRACT.md rules it enforces. A new check gets a line
// here (start-up refuses a test without one); an anchor the contract does not define is a
// start-up error naming the check.
#include "conformance/harness/catalogue.h"

namespace linkgate::conformance {

const std::vector<CatalogueEntry>& checkCatalogue() {
  using namespace capability;
  static const std::vector<CatalogueEntry> kCatalogue = {
      // C-1.1 /start
      {"state.round_trip", "State.RoundTrip", false, {"C-1.1.3", "C-1.3.1"}},
      {"state.round_trip_error", "State.RoundTripOnError", false, {"C-1.1.3", "C-1.2.5"},
       {kConsentPage}},
      {"state.absent_empty", "State.AbsentStaysAbsent", false, {"C-1.3.2"}, {kConsentPage}},
      {"state.too_long", "State.TooLongRefused", false, {"C-1.1.3", "C-1.1.2"}},
      {"state.not_sent_to_provider", "State.NotSentToProvider", false, {"C-1.1.4", "C-6.6"}},
      {"state.gateway_state_fresh", "State.GatewayStateFreshPerFlow", false, {"C-1.1.4"}},
      {"security.cookie_attributes", "Security.CookieAttributes", false, {"C-1.1.7"}},
      {"flow.expiry", "Credentials.FlowExpiry", false, {"C-1.1.8"}},
      // C-11 several instances (the launched second instance, or --instances)
      {"instances.flow_elsewhere", "Instances.FlowElsewhere", false, {"C-11.2"}, {kInstances}},
      {"instances.delete_everywhere", "Instances.DeleteEverywhere", false, {"C-11.4"},
       {kInstances}},
      {"instances.refresh_once", "Instances.RefreshOnce", false, {"C-11.3"}, {kInstances}},
      // C-10 webhooks (the suite's receiver on 127.0.0.1)
      {"webhooks.manage", "Webhooks.Manage", false, {"C-10.1", "C-10.6", "C-10.7"}},
      {"webhooks.signed_events", "Webhooks.SignedEvents", false, {"C-10.2", "C-10.3", "C-10.4"}},
      {"webhooks.refresh_failed", "Webhooks.RefreshFailed", false, {"C-10.2", "C-10.3", "C-10.4"},
       {kFaults}},
      {"webhooks.retry_redeliver", "Webhooks.RetryAndRedeliver", false,
       {"C-10.3", "C-10.5", "C-10.8"}},
      {"errors.no_open_redirect", "Errors.NoOpenRedirect", false, {"C-1.1.1", "C-7.3"}},
      {"errors.debug_page", "Errors.DebugPage", false, {"C-1.1.11", "C-7.7"}, {kFaults}},
      {"start_link.flow", "Credentials.StartLinkFlow", false, {"C-1.1.12", "C-4.10"}},
      {"start_link.bad_input", "Credentials.StartLinkBadInput", false, {"C-4.10", "C-7.3"}},
      {"start_link.manage", "Credentials.StartLinkManage", false, {"C-1.1.14"}},
      // C-1.2 callback
      {"security.flow_cookie", "Security.FlowCookieRequired", false, {"C-1.2.1"}},
      {"errors.callback_refused", "Errors.CallbackRefused", false, {"C-1.2.1"}},
      {"security.callback_replay", "Security.CallbackReplay", false, {"C-1.2.1", "C-1.2.4"}},
      {"security.mix_up", "Security.MixUp", false, {"C-1.2.2"}},
      {"errors.access_denied", "Errors.AccessDenied", false, {"C-1.2.5", "C-6.2"}, {kConsentPage}},
      {"errors.provider_error_codes", "Errors.ProviderErrorCodes", false, {"C-1.2.5"}},
      {"errors.consent_fault", "Errors.ConsentFault", false, {"C-1.2.5", "C-6.7"}, {kFaults}},
      {"errors.token_fault.status", "Errors.TokenFaultStatus", false,
       {"C-1.2.7", "C-7.5", "C-7.7", "C-6.7"}, {kFaults}},
      {"errors.token_fault.malformed_body", "Errors.TokenFaultMalformedBody", false,
       {"C-1.2.7", "C-7.5", "C-6.7"}, {kFaults}},
      {"errors.token_fault.drop_connection", "Errors.TokenFaultDropConnection", false,
       {"C-1.2.7", "C-7.5", "C-6.7"}, {kFaults}},
      {"errors.token_fault.invalid_grant", "Errors.TokenFaultInvalidGrant", false,
       {"C-1.2.7", "C-6.7"}, {kFaults}},
      {"errors.token_fault.delay", "Errors.TokenFaultDelay", false, {"C-1.2.7", "C-7.5"},
       {kFaults}},
      // C-1.3 redirect back, C-7 pages
      {"security.iss_in_redirect", "Security.IssInRedirect", false, {"C-1.3.3"}, {kConsentPage}},
      {"security.page_headers", "Security.PageHeaders", false, {"C-7.1"}},
      {"security.escaping", "Security.Escaping", false, {"C-7.2"}},
      {"simulator.page_headers", "Simulator.PageHeaders", false, {"C-7.1", "C-6.2"}},
      // C-2 redirect URIs
      {"redirect_uri.registration", "RedirectUri.Registration", false,
       {"C-2.5", "C-2.2", "C-4.4"}},
      {"redirect_uri.mutations", "RedirectUri.Mutations", false, {"C-2.3", "C-1.1.1"}},
      {"redirect_uri.matching", "RedirectUri.Matching", false, {"C-2.3", "C-2.1", "C-1.1.1"}},
      {"redirect_uri.loopback_any_port", "RedirectUri.LoopbackAnyPort", false, {"C-2.4"}},
      {"redirect_uri.provider_substitution", "RedirectUri.ProviderSubstitution", false,
       {"C-2.2", "C-1.3.1"}},
      {"redirect_uri.deleted", "Management.DeletedRedirectUri", false, {"C-2.6", "C-4.4"}},
      // C-3 token endpoint
      {"code.exchange", "CodeExchange.ExactTokens", false,
       {"C-3.2", "C-1.2.6", "C-1.2.9", "C-1.2.10", "C-6.4"}},
      {"code.single_use", "CodeExchange.SingleUse", false, {"C-3.4", "C-1.2.9"}},
      {"code.concurrent_redemption", "CodeExchange.ConcurrentRedemption", false, {"C-3.5"}},
      {"code.expiry", "CodeExchange.Expiry", false, {"C-3.6", "C-1.2.9"}},
      {"code.client_binding", "CodeExchange.ClientBinding", false, {"C-3.7"}},
      {"code.client_auth", "CodeExchange.ClientAuthentication", false, {"C-3.1"}},
      {"code.integrator_pkce", "CodeExchange.IntegratorPkce", false,
       {"C-1.1.9", "C-3.10", "C-1.1.2"}},
      {"code.no_store", "CodeExchange.NoStore", false, {"C-3.9"}},
      {"code.malformed_request", "CodeExchange.MalformedRequests", false,
       {"C-3.8", "C-7.3", "C-7.4"}},
      {"flows.interleaved", "Flows.Interleaved", false, {"C-1.2.4", "C-1.2.10", "C-3.4"},
       {kConsentPage}},
      // C-4 management API
      {"management.auth", "Management.ApiKeyRequired", false, {"C-4.1"}},
      {"management.apps", "Management.OAuthApps", false, {"C-4.2", "C-4.3", "C-7.7", "C-1.1.1"}},
      {"management.bad_input", "Management.BadInput", false, {"C-7.3", "C-7.4"}},
      {"management.providers", "Management.Providers", false, {"C-4.12"}},
      {"ops.endpoints", "Management.Operations", false, {"C-4.13"}},
      {"credentials.masking_export", "Credentials.MaskingAndExport", false,
       {"C-4.6", "C-4.7", "C-7.7"}},
      {"credentials.import_idempotent", "Credentials.ImportIdempotent", false, {"C-4.5", "C-4.7"}},
      {"credentials.delete", "Management.DeleteCredential", false, {"C-4.6"}},
      {"credentials.access_token_refresh", "Credentials.AccessTokenRefresh", false,
       {"C-4.8", "C-6.8"}, {kClock}},
      {"credentials.refresh_invalid_grant", "Management.RefreshInvalidGrant", false,
       {"C-4.11", "C-7.6"}, {kFaults}},
      // per provider (C-5 dialects)
      {"provider.full_flow", "ProviderFullFlow", true,
       {"C-5.1", "C-1.1.5", "C-1.2.6", "C-3.2", "C-3.3", "C-1.3.1", "C-2.1", "C-6.1", "C-6.4",
        "C-6.5"}},
      {"provider.refresh", "ProviderRefresh", true, {"C-5.2", "C-4.9"}},
      {"provider.granted_scopes", "ProviderGrantedScopes", true, {"C-1.1.6", "C-3.3", "C-6.6"}},
      {"provider.access_denied", "ProviderAccessDenied", true, {"C-1.2.5", "C-6.2"},
       {kConsentPage}},
      {"provider.connection_params", "ProviderConnectionParams", true, {"C-1.1.10", "C-1.1.2"}},
      {"provider.discovery", "ProviderDiscovery", true, {"C-5.3", "C-9.6"}},
      {"provider.callback_signature", "ProviderCallbackSignature", true, {"C-1.2.8"}},
      {"provider.iss_checked", "ProviderIssChecked", true, {"C-1.2.3", "C-6.9"}, {kFaults}},
      {"provider.long_lived_token", "ProviderLongLived", true, {"C-12.6", "C-12.7", "C-12.8"}},
      // properties/oidc_checks.cc (SPEC §8)
      {"oidc.id_token", "OidcIdToken", true, {"C-8.1", "C-8.2", "C-8.8"}},
      {"oidc.nonce", "OidcNonce", true, {"C-8.4", "C-8.6", "C-8.7"}, {kFaults}},
      {"oidc.key_rotation", "OidcKeyRotation", true, {"C-8.3", "C-8.5"}},
      {"oidc.refresh_id_token", "OidcRefreshIdToken", true, {"C-8.9"}, {kFaults}},
      {"oidc.rejects.bad_signature", "OidcRejectsBadSignature", true, {"C-8.3", "C-8.5", "C-8.7"},
       {kFaults}},
      {"oidc.rejects.wrong_aud", "OidcRejectsWrongAud", true, {"C-8.3", "C-8.6", "C-8.7"}, {kFaults}},
      {"oidc.rejects.wrong_iss", "OidcRejectsWrongIss", true, {"C-8.3", "C-8.6", "C-8.7"}, {kFaults}},
      {"oidc.rejects.expired", "OidcRejectsExpired", true, {"C-8.3", "C-8.6", "C-8.7"}, {kFaults}},
      {"oidc.rejects.unknown_kid", "OidcRejectsUnknownKid", true, {"C-8.3", "C-8.5", "C-8.7"},
       {kFaults}},
      {"oidc.rejects.alg_none", "OidcRejectsAlgNone", true, {"C-8.5", "C-8.7"}, {kFaults}},
      // properties/identity_checks.cc (SPEC §9)
      {"identity.end_user", "Identity.EndUser", false, {"C-9.1", "C-9.2", "C-1.1.2"}},
      {"provider.same_account", "ProviderSameAccount", true, {"C-9.3", "C-9.4"}},
  };
  return kCatalogue;
}

}  // namespace linkgate::conformance
