import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Every HTTP error leaves as RFC 9457 problem+json; unexpected errors never leak internals. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    const title = exception instanceof HttpException ? exception.message : 'Internal error';
    if (!(exception instanceof HttpException))
      console.error('[prm] unhandled error on', request.url, exception);
    void reply
      .status(status)
      .header('content-type', 'application/problem+json')
      .send({
        type: 'about:blank',
        title,
        status,
        detail: status === 404 ? `no route for ${request.method} ${request.url}` : undefined,
        instance: request.url,
      });
  }
}
