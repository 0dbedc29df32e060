// oidc-provider ships no type declarations and no @types package is installed, so this declares the small
// part of its API that stand-in-provider.ts uses. Shapes follow oidc-provider 9.x (lib/provider.js,
// lib/helpers/defaults.js, lib/helpers/interaction_policy).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface OidcClient {
    readonly clientId: string;
    readonly clientName?: string;
  }

  export interface OidcSession {
    readonly accountId?: string;
  }

  export interface OidcContextState {
    readonly client?: OidcClient;
    readonly session?: OidcSession;
    readonly result?: { readonly login?: unknown; readonly consent?: unknown };
  }

  /** The Koa context oidc-provider passes to configuration hooks. */
  export interface ProviderContext {
    type: string;
    body: unknown;
    status: number;
    readonly oidc: OidcContextState;
  }

  export interface AccountClaims {
    sub: string;
    [claim: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: Record<string, unknown>,
      rejected: string[],
    ): AccountClaims | Promise<AccountClaims>;
  }

  export interface ErrorOut {
    error: string;
    error_description?: string;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: {
      name: string;
      reasons: string[];
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
    };
    params: { client_id?: string; scope?: string; login_hint?: string } & Record<string, unknown>;
    grantId?: string;
    session?: { accountId?: string };
  }

  export interface InteractionResult {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export class Grant {
    constructor(init: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantModel {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface AdapterPayload {
    uid?: string;
    grantId?: string;
    userCode?: string;
    consumed?: number;
    [key: string]: unknown;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export class Check {
    constructor(
      reason: string,
      description: string,
      check: (ctx: ProviderContext) => boolean | Promise<boolean>,
    );
    static readonly REQUEST_PROMPT: true;
    static readonly NO_NEED_TO_PROMPT: false;
  }

  export interface Prompt {
    readonly name: string;
    readonly checks: Check[];
  }

  export interface Policy extends Array<Prompt> {
    get(name: string): Prompt | undefined;
  }

  export const interactionPolicy: {
    base(): Policy;
    Check: typeof Check;
  };

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris: string[];
    post_logout_redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
    jwks?: { keys: Record<string, unknown>[] };
  }

  export interface Configuration {
    adapter?: (name: string) => Adapter;
    clients?: ClientMetadata[];
    jwks?: { keys: Record<string, unknown>[] };
    cookies?: { keys?: string[]; names?: { session?: string; interaction?: string; resume?: string } };
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    acrValues?: string[];
    conformIdTokenClaims?: boolean;
    clientBasedCORS?: (ctx: ProviderContext, origin: string, client: OidcClient) => boolean;
    findAccount?: (ctx: ProviderContext, id: string) => Promise<Account | undefined>;
    renderError?: (ctx: ProviderContext, out: ErrorOut, error: Error) => Promise<void>;
    pkce?: { required?: (ctx: ProviderContext, client: OidcClient) => boolean };
    interactions?: {
      policy?: Policy;
      url?: (ctx: ProviderContext, interaction: { uid: string }) => string;
    };
    enabledJWA?: {
      idTokenSigningAlgValues?: string[];
      clientAuthSigningAlgValues?: string[];
    };
    responseTypes?: string[];
    clientAuthMethods?: string[];
    ttl?: Record<string, number>;
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly Grant: GrantModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default Provider;
}
