// A NestJS app in plain JavaScript (decorators applied by hand, as TypeScript would compile them).
// The same code as the package README's NestJS section:
//   @Controller("webhooks")
//   class WebhooksController {
//     @All("atlasbrokers") receive(@Req() req, @Res() res) { return atlasbrokers(req, res); }
//   }
// plus a controller that verifies req.rawBody itself, a module middleware, and a JSON route.
import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import { All, Body, Controller, HttpCode, HttpException, Module, Post, Req, Res } from "@nestjs/common";
import { createNodeMiddleware, WebhookVerificationError } from "atlasbrokers-webhooks";

function method(cls, name, decorators, params = []) {
  const target = cls.prototype;
  params.forEach((param, index) => param(target, name, index));
  Reflect.decorate(decorators, target, name, Object.getOwnPropertyDescriptor(target, name));
}

/**
 * Creates (not started) a Nest app with `options` (rawBody, bodyParser) serving:
 * - /webhooks/atlasbrokers: a controller handing req/res to createNodeMiddleware;
 * - /verify/hook: a controller verifying req.rawBody itself, errors as HttpException;
 * - /module/hook: createNodeMiddleware applied by the module's MiddlewareConsumer;
 * - /early/hook: createNodeMiddleware given to app.use() before listen();
 * - /api/echo: a JSON route (@Body()).
 */
export async function createNestApp(webhook, options) {
  const atlasbrokers = createNodeMiddleware(webhook, { path: "/webhooks/atlasbrokers" });

  class WebhooksController {
    receive(req, res) {
      return atlasbrokers(req, res);
    }
  }
  method(WebhooksController, "receive", [All("atlasbrokers")], [Req(), Res()]);
  Controller("webhooks")(WebhooksController);

  class VerifyController {
    async receive(req) {
      try {
        // req.body when rawBody is off: verify() then answers body_already_parsed, not a TypeError.
        const { event } = await webhook.verifyAndReceive(req.rawBody ?? req.body, req.headers);
        return { received: event.idempotencyKey };
      } catch (error) {
        if (error instanceof WebhookVerificationError) {
          throw new HttpException({ error: error.code, message: error.message }, error.status);
        }
        throw error;
      }
    }
  }
  method(VerifyController, "receive", [Post("hook"), HttpCode(200)], [Req()]);
  // The same without mapping: Nest reads the error's statusCode (http-errors' name).
  VerifyController.prototype.plain = async function (req) {
    const { event } = await webhook.verifyAndReceive(req.rawBody ?? req.body, req.headers);
    return { received: event.idempotencyKey };
  };
  method(VerifyController, "plain", [Post("plain"), HttpCode(200)], [Req()]);
  Controller("verify")(VerifyController);

  class EchoController {
    echo(body) {
      return { echoed: body ?? null };
    }
  }
  method(EchoController, "echo", [Post("echo")], [Body()]);
  Controller("api")(EchoController);

  class AppModule {
    configure(consumer) {
      consumer.apply(createNodeMiddleware(webhook, { path: "/module/hook" })).forRoutes("module/hook");
    }
  }
  Module({ controllers: [WebhooksController, VerifyController, EchoController] })(AppModule);

  const app = await NestFactory.create(AppModule, { logger: false, ...options });
  // main.js style: app.use() before listen() runs ahead of Nest's body parsers, whatever the options.
  app.use(createNodeMiddleware(webhook, { path: "/early/hook" }));
  return app;
}
