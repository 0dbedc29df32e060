// A local OpenID provider (oidc-provider 9) that stands in for LINE Login, the Digital Agency's
// デジタル認証アプリ and a staff IdP, so the real relying-party flows (redirect, code exchange with PKCE,
// ID-token validation, nonce) run in tests and in the demo city without the real servers.
//
// What the デジタル認証アプリ issues, and what this mirrors (sources found while writing this):
// - API reference (民間事業者向け / 行政機関向け), https://developers.digital.go.jp/documents/auth-and-sign/authserver
//   and .../authserver-gov: authorization-code flow only; `state`, `nonce`, `code_challenge` with
//   `code_challenge_method=S256` are all required; client_id looks like `RP00000001`; scopes are `openid`
//   (required) and `name`, `address`, `birthdate`, `gender` (each "基本4情報取得を要求する場合設定"), plus `sign`
//   for signing; optional `acr_values` (example "aal3 crl").
// - INTER-Mediator's MyNumberCardAdapter (github.com/INTER-Mediator/INTER-Mediator,
//   src/php/Auth/OAuth/MyNumberCardAdapter.php), a working integration: issuer
//   https://auth-and-sign.go.jp/api/realms/main (sandbox: sb-auth-and-sign.go.jp), Keycloak-style endpoints,
//   token endpoint authenticated with private_key_jwt, and the four claims read as `name`, `address`,
//   `birthdate`, `gender` (from userinfo), `address` as one plain string, not an OIDC address object.
// - Third-party notes (tsukukobaan/mynavote docs/auth-design.md) say the ID token is ES256 and use gender
//   codes "1" (男性) / "2" (女性); not confirmed by an official page. No `name_kana` claim appears anywhere,
//   so none is issued here (the kana stays in STAND_IN_PEOPLE for the demo's screens only).
// The exact value formats (birthdate "YYYY-MM-DD" vs "YYYYMMDD", gender codes) could not be confirmed from an
// official example; RPs should normalise both. The 基本4情報 go into the ID token here as well
// (conformIdTokenClaims: false) so an RP can read them without a userinfo call.

import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import {
  type Account,
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type InteractionDetails,
  interactionPolicy,
  Provider,
  type ProviderContext,
} from "oidc-provider";

/** Which kind of provider a client talks to; it decides which fictional people may sign in. */
export type StandInKind = "line" | "card" | "staff";

export interface StandInCardHolder {
  readonly kind: "card";
  /** Typed into the stand-in's login page. */
  readonly login: string;
  /** A pairwise-looking subject, as the real service gives each RP its own. */
  readonly sub: string;
  readonly name: string;
  /** Not issued as a claim (the real service has none); for the demo's screens. */
  readonly nameKana: string;
  readonly birthdate: string;
  /** "1" 男性, "2" 女性 (see the header comment for how sure this is). */
  readonly gender: "1" | "2";
  readonly address: string;
}

export interface StandInLineUser {
  readonly kind: "line";
  readonly login: string;
  /** LINE user ids are "U" + 32 hex digits. */
  readonly sub: string;
  /** The LINE display name. */
  readonly name: string;
  readonly email: string;
}

export interface StandInStaffMember {
  readonly kind: "staff";
  readonly login: string;
  readonly sub: string;
  readonly name: string;
  readonly email: string;
}

export type StandInPerson = StandInCardHolder | StandInLineUser | StandInStaffMember;

/** Fictional people the stand-in knows; unknown login names are refused. */
export const STAND_IN_PEOPLE: readonly StandInPerson[] = [
  {
    kind: "card",
    login: "heita",
    sub: "8f2c1d4e6a7b49c0b1d2e3f405162738",
    name: "手乃 平太",
    nameKana: "テノ ヘイタ",
    birthdate: "1985-04-01",
    gender: "1",
    address: "てのひら県てのひら市本町一丁目2番3号",
  },
  {
    kind: "card",
    login: "hanako",
    sub: "3a9e5b7c1d2f4e6081a2b3c4d5e6f708",
    name: "手乃 花子",
    nameKana: "テノ ハナコ",
    birthdate: "1990-10-15",
    gender: "2",
    address: "てのひら県てのひら市緑町四丁目5番6号",
  },
  {
    // Lives in another city: for "not a resident" cases.
    kind: "card",
    login: "jiro",
    sub: "c47d2e8f9a0b41c2d3e4f5061728394a",
    name: "掌 次郎",
    nameKana: "タナゴコロ ジロウ",
    birthdate: "1978-01-20",
    gender: "1",
    address: "ゆびさき県となり市駅前二丁目1番1号",
  },
  {
    kind: "line",
    login: "line-heita",
    sub: "U4af4980629f1e8c2d9b0e7a3c5d61f2e",
    name: "へいた",
    email: "heita@example.com",
  },
  {
    kind: "line",
    login: "line-hanako",
    sub: "U0b8d6e2f4a1c3e5f7a9b1d3f5a7c9e1b",
    name: "はなこ",
    email: "hanako@example.com",
  },
  {
    kind: "staff",
    login: "madoguchi",
    sub: "staff-0001",
    name: "窓口 さくら",
    email: "sakura.madoguchi@city.tenohira.example",
  },
  {
    kind: "staff",
    login: "kanri",
    sub: "staff-0002",
    name: "管理 太郎",
    email: "taro.kanri@city.tenohira.example",
  },
];

export interface StandInClient {
  clientId: string;
  /** Needed for client_secret_basic and for HS256 ID tokens (LINE web login signs with the channel secret). */
  clientSecret?: string;
  /** Public keys of the RP, for private_key_jwt client authentication (as the デジタル認証アプリ uses). */
  jwks?: { keys: JWK[] };
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** HS256: signed with the client secret; RS256/ES256: with the provider's keys (published at jwks_uri). */
  idTokenAlg: "HS256" | "RS256" | "ES256";
  kind: StandInKind;
  /** Shown on the login and consent pages. */
  name?: string;
}

export interface StandInProviderOptions {
  clients: StandInClient[];
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Host name in the issuer URL, e.g. "localhost" for the demo; default the bind address. */
  publicHost?: string;
  /** Who may sign in; default STAND_IN_PEOPLE. */
  people?: readonly StandInPerson[];
  /** Receives provider errors; nothing is logged by default. */
  log?: (message: string) => void;
}

export interface StandInProvider {
  issuer: string;
  close(): Promise<void>;
}

// Scopes map to claims of the same name, as the デジタル認証アプリ's scope list does; LINE uses profile/email.
const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  openid: ["sub"],
  profile: ["name", "picture"],
  email: ["email", "email_verified"],
  name: ["name"],
  address: ["address"],
  birthdate: ["birthdate"],
  gender: ["gender"],
};

const CLAIM_LABELS: Record<string, string> = {
  name: "氏名（名前）",
  picture: "プロフィール画像",
  email: "メールアドレス",
  email_verified: "メールアドレスの確認状況",
  address: "住所",
  birthdate: "生年月日",
  gender: "性別",
};

const KIND_TITLES: Record<StandInKind, string> = {
  line: "LINE でログイン（代役）",
  card: "デジタル認証アプリ（代役）",
  staff: "職員用サインイン（代役）",
};

export async function startStandInProvider(options: StandInProviderOptions): Promise<StandInProvider> {
  const host = options.host ?? "127.0.0.1";
  const people = options.people ?? STAND_IN_PEOPLE;
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const log = options.log ?? (() => {});

  let provider: Provider | undefined;
  let providerCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let issuer = "";

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`stand-in provider: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) {
        sendHtml(
          res,
          500,
          page("エラー", `<p id="stand-in-error" role="alert">内部エラーが起きました。</p>`),
        );
      } else {
        res.end();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!provider || !providerCallback) {
      sendHtml(res, 503, page("準備中", "<p>準備中です。</p>"));
      return;
    }
    const url = new URL(req.url ?? "/", issuer);
    const avatar = /^\/avatars\/([A-Za-z0-9-]+)\.svg$/.exec(url.pathname);
    if (avatar && req.method === "GET") {
      const person = people.find((p) => p.sub === avatar[1]);
      if (!person) {
        sendHtml(res, 404, page("見つかりません", "<p>見つかりません。</p>"));
        return;
      }
      res.writeHead(200, { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "max-age=3600" });
      res.end(avatarSvg(person));
      return;
    }
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|consent|abort))?$/.exec(url.pathname);
    if (interaction) {
      await handleInteraction(provider, req, res, interaction[2]);
      return;
    }
    providerCallback(req, res);
  }

  async function handleInteraction(
    op: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    action: string | undefined,
  ): Promise<void> {
    let details: InteractionDetails;
    try {
      details = await op.interactionDetails(req, res);
    } catch {
      sendHtml(
        res,
        400,
        page(
          "やり直してください",
          `<p id="stand-in-error" role="alert">この画面は期限切れか、無効です。サービスに戻って最初からやり直してください。</p>`,
        ),
      );
      return;
    }
    const client = clients.get(String(details.params.client_id ?? ""));
    if (!client) {
      sendHtml(res, 400, page("エラー", `<p id="stand-in-error" role="alert">不明なサービスです。</p>`));
      return;
    }

    if (req.method === "GET" && action === undefined) {
      if (details.prompt.name === "login") {
        sendHtml(res, 200, loginPage(details, client, people));
      } else if (details.prompt.name === "consent") {
        sendHtml(res, 200, consentPage(details, client));
      } else {
        sendHtml(res, 501, page("エラー", `<p id="stand-in-error" role="alert">未対応の画面です。</p>`));
      }
      return;
    }
    if (req.method !== "POST" || action === undefined) {
      sendHtml(res, 405, page("エラー", `<p id="stand-in-error" role="alert">この操作はできません。</p>`));
      return;
    }

    const form = await readForm(req);
    if (action === "abort") {
      await op.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "End-User aborted interaction" },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (action === "login") {
      if (details.prompt.name !== "login") {
        sendHtml(res, 400, page("エラー", `<p id="stand-in-error" role="alert">順番が違います。</p>`));
        return;
      }
      const login = (form.get("login") ?? "").trim();
      const person = people.find((p) => p.login === login && p.kind === client.kind);
      if (!person) {
        sendHtml(res, 400, loginPage(details, client, people, login));
        return;
      }
      await op.interactionFinished(
        req,
        res,
        // The real service is asked for acr_values "aal3 crl"; the stand-in reports the card at aal3.
        {
          login: person.kind === "card" ? { accountId: person.sub, acr: "aal3" } : { accountId: person.sub },
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // consent: grant what was asked, as oidc-provider's own dev interactions do.
    if (details.prompt.name !== "consent" || !details.session?.accountId) {
      sendHtml(res, 400, page("エラー", `<p id="stand-in-error" role="alert">順番が違います。</p>`));
      return;
    }
    const grant = details.grantId
      ? await op.Grant.find(details.grantId)
      : new op.Grant({ accountId: details.session.accountId, clientId: client.clientId });
    if (!grant) {
      sendHtml(
        res,
        400,
        page("エラー", `<p id="stand-in-error" role="alert">同意の記録が見つかりません。</p>`),
      );
      return;
    }
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    }
    if (missing.missingOIDCClaims) {
      grant.addOIDCClaims(missing.missingOIDCClaims);
    }
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    const grantId = await grant.save();
    await op.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://${hostForUrl(options.publicHost ?? host)}:${port}`;

  try {
    provider = await createProvider(issuer, port, options.clients, people, log);
    providerCallback = provider.callback();
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  return {
    issuer,
    close: () => closeServer(server),
  };
}

async function createProvider(
  issuer: string,
  port: number,
  clients: StandInClient[],
  people: readonly StandInPerson[],
  log: (message: string) => void,
): Promise<Provider> {
  const kindByClient = new Map(clients.map((c) => [c.clientId, c.kind]));
  const bySub = new Map(people.map((p) => [p.sub, p]));

  const policy = interactionPolicy.base();
  const loginPrompt = policy.get("login");
  // One stand-in plays several providers, so a session for a LINE user must not satisfy the card client;
  // and the real デジタル認証アプリ reads the card every time, so its client always gets the login step.
  loginPrompt?.checks.push(
    new interactionPolicy.Check(
      "stand_in_account_kind",
      "the signed-in person cannot use this client",
      (ctx) => {
        const kind = ctx.oidc.client ? kindByClient.get(ctx.oidc.client.clientId) : undefined;
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId || !kind) {
          return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        }
        return bySub.get(accountId)?.kind === kind
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
    new interactionPolicy.Check("stand_in_card_every_time", "the card is read for every request", (ctx) => {
      const kind = ctx.oidc.client ? kindByClient.get(ctx.oidc.client.clientId) : undefined;
      return kind === "card" && !ctx.oidc.result?.login
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  // The app also asks before handing over the 基本4情報 each time; it keeps card flows login → consent always.
  policy.get("consent")?.checks.push(
    new interactionPolicy.Check(
      "stand_in_card_consent_every_time",
      "the card holder agrees every time",
      (ctx) => {
        const kind = ctx.oidc.client ? kindByClient.get(ctx.oidc.client.clientId) : undefined;
        return kind === "card" && !ctx.oidc.result?.consent
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );

  const provider = new Provider(issuer, {
    adapter: memoryAdapterFactory(),
    clients: clients.map(toClientMetadata),
    jwks: { keys: await signingKeys() },
    // Signed cookies; a fresh key per start is fine since sessions live only as long as the process.
    // Browsers share cookies across ports of one host, so the names carry the port: several stand-ins (and
    // the app) on localhost must not overwrite each other's.
    cookies: {
      keys: [randomBytes(32).toString("base64url")],
      names: {
        session: `standin_${port}_session`,
        interaction: `standin_${port}_interaction`,
        resume: `standin_${port}_resume`,
      },
    },
    claims: CLAIMS_BY_SCOPE,
    conformIdTokenClaims: false,
    acrValues: ["aal3", "crl"],
    clientBasedCORS: () => false,
    pkce: { required: () => true },
    responseTypes: ["code"],
    enabledJWA: { idTokenSigningAlgValues: ["HS256", "RS256", "ES256"] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: ProviderContext, form: string) => {
          ctx.type = "html";
          ctx.body = page(
            "ログアウト",
            `${form}<p>ログアウトしますか？</p>
<button id="logout-submit" type="submit" form="op.logoutForm" name="logout" value="yes">ログアウトする</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: ProviderContext) => {
          ctx.type = "html";
          ctx.body = page("ログアウトしました", `<p id="logout-done">ログアウトしました。</p>`);
        },
      },
    },
    findAccount: async (_ctx, id) => {
      const person = bySub.get(id);
      return person ? toAccount(person, issuer) : undefined;
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page(
        "エラー",
        `<p id="stand-in-error" role="alert">本人確認を続けられませんでした。</p>
<p><code id="stand-in-error-code">${escapeHtml(out.error)}</code> ${escapeHtml(out.error_description ?? "")}</p>`,
      );
    },
  });
  provider.on("server_error", (_ctx: unknown, error: unknown) => {
    log(`stand-in provider server_error: ${error instanceof Error ? error.message : String(error)}`);
  });
  return provider;
}

function toClientMetadata(client: StandInClient): ClientMetadata {
  if (client.idTokenAlg === "HS256" && !client.clientSecret) {
    throw new Error(`stand-in client ${client.clientId}: HS256 ID tokens need a client secret`);
  }
  const metadata: ClientMetadata = {
    client_id: client.clientId,
    client_name: client.name ?? client.clientId,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    id_token_signed_response_alg: client.idTokenAlg,
    token_endpoint_auth_method: client.jwks ? "private_key_jwt" : "client_secret_basic",
  };
  if (client.clientSecret) {
    metadata.client_secret = client.clientSecret;
  }
  if (client.jwks) {
    metadata.jwks = { keys: client.jwks.keys.map((k) => ({ ...k })) };
  }
  return metadata;
}

function toAccount(person: StandInPerson, issuer: string): Account {
  return {
    accountId: person.sub,
    claims: () => {
      switch (person.kind) {
        case "card":
          return {
            sub: person.sub,
            name: person.name,
            address: person.address,
            birthdate: person.birthdate,
            gender: person.gender,
          };
        case "line":
          return {
            sub: person.sub,
            name: person.name,
            picture: `${issuer}/avatars/${person.sub}.svg`,
            email: person.email,
          };
        case "staff":
          return { sub: person.sub, name: person.name, email: person.email, email_verified: true };
      }
    },
  };
}

async function signingKeys(): Promise<Record<string, unknown>[]> {
  const keys: Record<string, unknown>[] = [];
  for (const alg of ["RS256", "ES256"] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: "sig", kid: `${alg.toLowerCase()}-${randomUUID()}` });
  }
  return keys;
}

interface StoredEntry {
  payload: AdapterPayload;
  expiresAt: number;
}

// Revoking a grant removes these; interactions and sessions also carry a grantId but must survive (as in
// oidc-provider's own memory adapter).
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "PreAuthorizedCode",
]);

// An in-memory store of our own: oidc-provider's built-in one prints a warning on every start.
function memoryAdapterFactory(): (model: string) => Adapter {
  const entries = new Map<string, StoredEntry>();
  const uidIndex = new Map<string, string>();
  const grantIndex = new Map<string, Set<string>>();

  const get = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt =
          typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        entries.set(key(id), { payload, expiresAt });
        if (model === "Session" && typeof payload.uid === "string") {
          uidIndex.set(payload.uid, id);
        }
        if (GRANTABLE.has(model) && typeof payload.grantId === "string") {
          const members = grantIndex.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          grantIndex.set(payload.grantId, members);
        }
      },
      async find(id) {
        return get(key(id));
      },
      async findByUserCode() {
        return undefined;
      },
      async findByUid(uid) {
        const id = uidIndex.get(uid);
        return id === undefined ? undefined : get(key(id));
      },
      async consume(id) {
        const payload = get(key(id));
        if (payload) {
          payload.consumed = Math.floor(Date.now() / 1000);
        }
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const member of grantIndex.get(grantId) ?? []) {
          entries.delete(member);
        }
        grantIndex.delete(grantId);
      },
    };
  };
}

function loginPage(
  details: InteractionDetails,
  client: StandInClient,
  people: readonly StandInPerson[],
  refusedLogin?: string,
): string {
  const uid = encodeURIComponent(details.uid);
  const eligible = people.filter((p) => p.kind === client.kind);
  const value =
    refusedLogin ?? (typeof details.params.login_hint === "string" ? details.params.login_hint : "");
  const error =
    refusedLogin === undefined
      ? ""
      : `<p id="login-error" role="alert">「${escapeHtml(refusedLogin)}」というログイン名の人はいません（または、このサービスでは使えません）。</p>`;
  const what =
    client.kind === "card"
      ? "マイナンバーカードの持ち主を選んでください（カードの読み取りの代わりです）。"
      : "ログイン名を入力してください（パスワードは要りません）。";
  const list = eligible
    .map(
      (p) =>
        `<li><code class="login-name">${escapeHtml(p.login)}</code> ${escapeHtml(p.name)}${
          p.kind === "card" ? `（${escapeHtml(p.nameKana)}）` : ""
        }</li>`,
    )
    .join("\n");
  return page(
    KIND_TITLES[client.kind],
    `<p>${escapeHtml(client.name ?? client.clientId)} が本人確認を求めています。</p>
${error}
<form id="login-form" method="post" action="/interaction/${uid}/login">
  <p>${what}</p>
  <label for="login">ログイン名</label>
  <input id="login" name="login" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(value)}">
  <button id="login-submit" type="submit">次へ</button>
</form>
<form id="abort-form" method="post" action="/interaction/${uid}/abort">
  <button id="login-cancel" type="submit">やめる</button>
</form>
<section aria-labelledby="people-heading">
  <h2 id="people-heading">試験用の人物</h2>
  <ul id="people">
${list}
  </ul>
</section>`,
  );
}

function consentPage(details: InteractionDetails, client: StandInClient): string {
  const uid = encodeURIComponent(details.uid);
  // What this request asks for, not only what is new: the card client is asked every time.
  const requested = typeof details.params.scope === "string" ? details.params.scope.split(" ") : [];
  const scopes = [...requested, ...(details.prompt.details.missingOIDCScope ?? [])].filter(
    (s) => s !== "openid",
  );
  const claims = new Set<string>();
  for (const scope of scopes) {
    for (const claim of CLAIMS_BY_SCOPE[scope] ?? []) {
      if (claim !== "sub") {
        claims.add(claim);
      }
    }
  }
  for (const claim of details.prompt.details.missingOIDCClaims ?? []) {
    if (CLAIM_LABELS[claim]) {
      claims.add(claim);
    }
  }
  const items = [...claims]
    .map((c) => `<li data-claim="${escapeHtml(c)}">${escapeHtml(CLAIM_LABELS[c] ?? c)}</li>`)
    .join("\n");
  return page(
    KIND_TITLES[client.kind],
    `<p>${escapeHtml(client.name ?? client.clientId)} に次の情報を渡します。よろしいですか？</p>
<ul id="consent-claims">
${items || "<li>本人であることの確認結果</li>"}
</ul>
<form id="consent-form" method="post" action="/interaction/${uid}/consent">
  <button id="consent-submit" type="submit">同意して続ける</button>
</form>
<form id="abort-form" method="post" action="/interaction/${uid}/abort">
  <button id="consent-cancel" type="submit">同意しない</button>
</form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1a1a1a}
.note{background:#fff4d6;border:1px solid #e0b84c;padding:.5rem .75rem;border-radius:.25rem}
input,button{font:inherit;padding:.5rem .75rem;margin:.25rem 0}input{width:100%;box-sizing:border-box}
[role=alert]{color:#b00020;font-weight:bold}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="note">これは開発・試験用の代役です。本物の LINE やデジタル認証アプリではありません。</p>
${body}
</main>
</body>
</html>`;
}

function avatarSvg(person: StandInPerson): string {
  const initial = escapeHtml([...person.name][0] ?? "?");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="#06c755"/><text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 16_384) {
      throw new Error("form body too large");
    }
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections from fetch would otherwise hold close() open.
    server.closeAllConnections();
  });
}
