//! The operator console: three static files embedded in the worker (`crate::console::asset`
//! says which, with their policy headers). The page holds no data: everything it shows comes
//! from the admin API, with the token the operator types.

use worker::{Response, Result};

use crate::console::{Asset, HEADERS};

pub(crate) fn serve(asset: Asset) -> Result<Response> {
    let response = Response::ok(asset.body)?;
    let headers = response.headers();
    headers.set("content-type", asset.content_type)?;
    for (name, value) in HEADERS {
        headers.set(name, value)?;
    }
    Ok(response)
}
