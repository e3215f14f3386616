//! The test's browser: a cookie jar in front of the app and a user agent that visits
//! the fake provider.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};

use super::provider::Provider;
use crate::helpers::{Res, SITE, TestApp};

/// A browser: a cookie jar in front of the app, and a user agent that visits the
/// provider (without following redirects, so each hop can be checked).
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    pub peer: Option<SocketAddr>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: HashMap::new(),
            peer: None,
        }
    }

    pub async fn call(&mut self, method: Method, path: &str, form: Option<&str>) -> Res {
        let mut req = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        if form.is_some() {
            req = req.header("content-type", "application/x-www-form-urlencoded");
        }
        let mut req = req
            .body(Body::from(form.unwrap_or("").to_string()))
            .unwrap();
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(ConnectInfo(peer));
        }
        let res = self.app.send(req).await;
        for c in res.headers.get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        res
    }

    pub async fn get(&mut self, path: &str) -> Res {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &str) -> Res {
        self.call(Method::POST, path, Some(form)).await
    }

    /// Starts sign-in: the 303 to the provider.
    pub async fn start(&mut self) -> Res {
        self.post("/auth/login", "next=%2Fhealth%3Fdetailed%3Dtrue")
            .await
    }

    /// Visits the provider's authorization endpoint; returns the callback path it sends
    /// the browser back to.
    pub async fn approve(&self, authorize_url: &str) -> String {
        let ua = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = ua.get(authorize_url).send().await.unwrap();
        assert_eq!(
            res.status().as_u16(),
            303,
            "provider approves with a redirect"
        );
        let back = res.headers()["location"].to_str().unwrap().to_string();
        back.strip_prefix(SITE)
            .expect("provider sends the browser back to SITE_URL")
            .to_string()
    }

    /// The whole flow; returns the callback's answer.
    pub async fn sign_in(&mut self) -> Res {
        let started = self.start().await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        let callback = self.approve(started.header("location")).await;
        self.get(&callback).await
    }
}

pub async fn app_for(p: &Provider) -> TestApp {
    TestApp::with(&[("ADMIN_ME", &p.me())]).await
}

pub fn assert_signed_in(res: &Res) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.header("location"), "/health?detailed=true");
    let cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("starpunk_session="))
        .expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(
        !cookie.contains("Secure"),
        "SITE_URL is http, so no Secure: {cookie}"
    );
}
