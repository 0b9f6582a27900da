//! The login endpoint of each kind of account (experts, admins), defined once: its request,
//! its session body and its handler. The check itself is [`crate::auth::log_in`].

/// Defines `$request` (brand slug, e-mail, password), `$session` (the new bearer token and
/// the account under `$holder`) and the handler `$handler`, which answers 201 with a new
/// session for valid credentials; too many failures answer 429 `/problems/login-throttled`. Doc comments and attributes pass through; `$email_doc`
/// documents the request's `email`, `$token_doc` the session's `token`.
macro_rules! login_endpoint {
    (
        $(#[$request_meta:meta])* request $request:ident { email: $email_doc:literal }
        $(#[$session_meta:meta])* session $session:ident {
            token: $token_doc:literal, $holder:ident: $account:ty
        }
        $(#[$handler_meta:meta])* handler $handler:ident
    ) => {
        #[derive(serde::Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        $(#[$request_meta])*
        pub struct $request {
            /// The brand's slug.
            pub brand: String,
            #[doc = $email_doc]
            pub email: String,
            /// Their password.
            pub password: String,
        }

        #[derive(serde::Serialize, utoipa::ToSchema)]
        $(#[$session_meta])*
        pub struct $session {
            #[doc = $token_doc]
            pub token: String,
            /// Who logged in.
            pub $holder: $account,
        }

        $(#[$handler_meta])*
        pub async fn $handler(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            peer: Option<
                axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>,
            >,
            $crate::api::ApiJson(login): $crate::api::ApiJson<$request>,
        ) -> Result<(axum::http::StatusCode, axum::Json<$session>), $crate::ApiError> {
            let peer = peer.map(|axum::Extension(axum::extract::ConnectInfo(addr))| addr.ip());
            let (token, $holder) = $crate::auth::log_in(
                &state,
                &login.brand,
                &login.email,
                login.password,
                peer,
            )
            .await?;
            Ok((
                axum::http::StatusCode::CREATED,
                axum::Json($session { token, $holder }),
            ))
        }
    };
}
pub(crate) use login_endpoint;
