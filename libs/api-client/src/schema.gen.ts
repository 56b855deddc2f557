// Generated from services/gateway/openapi.json by openapi-typescript (scripts/gen-api-client.mjs, run by
// `npm run openapi:gen`); do not edit. scripts/check-generated.sh fails on drift.
export interface paths {
    "/v1/blueprints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BlueprintsController_list"];
        put?: never;
        post: operations["BlueprintsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BlueprintsController_get"];
        put: operations["BlueprintsController_update"];
        post?: never;
        delete: operations["BlueprintsController_archive"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BlueprintsController_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BlueprintsController_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BlueprintsController_diff"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["BlueprintsController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["BlueprintsController_validate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_deployments"];
        put?: never;
        post: operations["AgentsController_deploy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_agent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/deployments/{id}/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AgentsController_promote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AgentsController_rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/evals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AgentsController_evals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/triggers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_triggers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/deployments/active": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_active"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/deployments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_deployment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/episodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AgentsController_episodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AgentsController_run"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RunsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RunsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{runId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RunsController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{runId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["RunsController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mesh/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MeshController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ValidationController_validate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schemas/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SchemasController_schema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blueprints/{name}/compile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ArtifactsController_compile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/artifacts/{hash}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ArtifactsController_describe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DeadLettersController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["DeadLettersController_retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EscalationsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EscalationsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["EscalationsController_approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/escalations/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["EscalationsController_reject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsageController_query"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BudgetsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budgets/tenant/{period}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["BudgetsController_putTenant"];
        post?: never;
        delete: operations["BudgetsController_deleteTenant"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budgets/agents/{agent}/{period}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["BudgetsController_putAgent"];
        post?: never;
        delete: operations["BudgetsController_deleteAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SecretsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SecretsController_get"];
        put: operations["SecretsController_put"];
        post?: never;
        delete: operations["SecretsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthOverviewController_overview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WebhooksController_list"];
        put?: never;
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WebhooksController_get"];
        put?: never;
        post?: never;
        delete: operations["WebhooksController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/hooks/{tenant}/{agent}/{triggerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["HooksController_hook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["MemoryController_store"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MemoryController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory/graph": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MemoryController_graph"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory/working/{agent}/{scope}/{scopeId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MemoryController_getWorking"];
        put: operations["MemoryController_putWorking"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory/subjects/{subjectId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["MemoryController_forget"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memory/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MemoryController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/startup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_startup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_verify"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ApiKeysController_list"];
        put?: never;
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ValidationReport: {
            valid: boolean;
            errors: {
                tier: string;
                code: string;
                path: string;
                message: string;
                severity: string;
            }[];
            warnings: {
                tier: string;
                code: string;
                path: string;
                message: string;
                severity: string;
            }[];
            suggestions: {
                path: string;
                message: string;
                replacement?: unknown;
            }[];
            /** @description Findings left out of the lists */
            omitted: number;
        };
        Blueprint: {
            name: string;
            version: number;
            contentHash: string;
            author: string;
            /** Format: date-time */
            createdAt: string;
            validation: components["schemas"]["ValidationReport"];
            /** Format: date-time */
            archivedAt: string | null;
            /** @description The parsed document (GET only) */
            document?: unknown;
        };
        Deployment: {
            deploymentId: string;
            agent: string;
            version: number;
            artifactHash: string;
            /** @description pending, warming, canary, active, failed, rolled_back, superseded (deactivated: blueprint archived) */
            status: string;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** @enum {string} */
            strategy: "immediate" | "canary";
            canaryPercent: number;
            windowSeconds: number;
            /** Format: date-time */
            windowEndsAt: string | null;
            thresholds: {
                maxFailureRate: number;
                maxP95Ms: number;
                minRuns: number;
            };
            /** @description What a rollback returns to */
            previousDeploymentId: string | null;
            /** Format: date-time */
            supersededAt: string | null;
            /** @description Why it is in its status (failed, rolled_back) */
            reason: string | null;
            /** @description Deployed although its evals failed */
            forced: boolean;
            swapMs: number | null;
            evalReport: components["schemas"]["EvalReport"] | null;
            transitions: {
                from: string | null;
                to: string;
                /** Format: date-time */
                at: string;
                /** @description The caller, or "system" */
                actor: string;
                reason: string;
                details: unknown;
            }[];
            /** @description Only on a 200 from POST …/deployments: the version was already active */
            message?: string;
        };
        EvalReport: {
            agent: string;
            version: number;
            artifactHash: string;
            passed: boolean;
            total: number;
            failed: number;
            workerId: string | null;
            cases: {
                name: string;
                passed: boolean;
                output: unknown;
                failures: string[];
                durationMs: number;
                /** @description The run itself failed: its code and message */
                error: string | null;
            }[];
        };
        Webhook: {
            id: string;
            url: string;
            events: string[];
            description: string;
            agent: string | null;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
        };
        Run: {
            runId: string;
            agent: string;
            version: number;
            artifactHash: string;
            /** @description queued, running, waiting, succeeded, failed, cancelled … */
            status: string;
            input: unknown;
            output: unknown;
            error: {
                code: string;
                message: string;
                path?: string;
                details?: unknown;
            } | null;
            attempts: number;
            toolCalls: {
                tool: string;
                arguments: unknown;
                result: unknown;
                durationMs: number;
                error?: string;
            }[];
            usage: {
                provider: string;
                model: string;
                inputTokens: number;
                outputTokens: number;
                costUsd: number;
                cachedInputTokens: number;
                calls: {
                    route: string;
                    outcome: string;
                    inputTokens: number;
                    outputTokens: number;
                    cachedInputTokens: number;
                    costUsd: number;
                    durationMs: number;
                    error: string;
                    stepId: string;
                }[];
            } | null;
            traceId: string;
            correlationId: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** @enum {string} */
            priority: "high" | "normal" | "low";
            workerId: string | null;
            requestedBy: string | null;
            /** @description While waiting: the escalation id (GET /v1/escalations/{id}) */
            waitingFor: string | null;
            /** @description What started the run: api, schedule:<triggerId>, event:<triggerId>, webhook:<triggerId> */
            trigger: string;
            /** @description The deployment the run was routed to (it runs, and is retried, on that version) */
            deploymentId: string | null;
            /** @description Routed to a canary deployment */
            canary: boolean;
        };
        Escalation: {
            id: string;
            kind: string;
            status: string;
            runId: string | null;
            stepId: string | null;
            agent: string;
            version: number | null;
            tool: string | null;
            arguments: unknown;
            risk: string;
            rule: string;
            reason: string;
            requestedBy: string;
            requiredPermission: string;
            quorum: number;
            approvals: number;
            level: number;
            levels: number;
            levelRoles: string[];
            /** Format: date-time */
            deadline: string;
            decisions: {
                actor: string;
                decision: string;
                reason: string | null;
                level: number;
                /** Format: date-time */
                at: string;
            }[];
            /** Format: date-time */
            decidedAt: string | null;
            decidedBy: string | null;
            decisionReason: string | null;
            details: unknown;
            /** Format: date-time */
            createdAt: string;
        };
        DeadLetter: {
            id: string;
            runId: string | null;
            agent: string | null;
            stream: string;
            consumer: string;
            subject: string;
            streamSeq: number;
            source: string;
            code: string | null;
            reason: string;
            deliveries: number;
            status: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            retriedAt: string | null;
            retriedBy: string | null;
        };
        AuditRecord: {
            seq: number;
            eventId: string;
            action: string;
            actor: string;
            resourceType: string;
            resourceId: string;
            outcome: string;
            details: unknown;
            /** Format: date-time */
            at: string;
            service: string;
            correlationId: string | null;
            prevHash: string;
            hash: string;
            /** Format: date-time */
            recordedAt: string;
        };
        ApiKey: {
            id: string;
            /** @description `afk_<id>_`: how the key starts */
            prefix: string;
            name: string;
            roles: ("Viewer" | "Developer" | "ProductManager" | "Administrator")[];
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
        };
        Budget: {
            /** @enum {string} */
            scope: "tenant" | "agent";
            /** @description The agent (scope agent); null for the tenant’s budget */
            agent: string | null;
            /** @enum {string} */
            period: "day" | "month";
            limitUsd: number;
            /** @description Settled cost in the current period */
            spentUsd: number;
            /** @description Estimates of model calls in flight in the current period */
            reservedUsd: number;
            /**
             * Format: date-time
             * @description Start of the current period (UTC day or month)
             */
            periodStart: string;
            /** Format: date-time */
            updatedAt: string | null;
            updatedBy: string | null;
        };
        SecretMetadata: {
            name: string;
            /** @description Increases with each PUT (rotation) */
            version: number;
            description: string;
            /** @description Length of the value in bytes (never the value) */
            size: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string | null;
        };
        MemoryItem: {
            id: string;
            /** @enum {string} */
            tier: "working" | "episodic" | "semantic";
            content: string;
            /** @description Higher first: ts_rank (episodic), cosine similarity (semantic), 1 (working) */
            score: number;
            subjectId: string | null;
            agent: string | null;
            team: string | null;
            source: string | null;
            /** @description The stored JSON object, or null */
            metadata: unknown;
            /** Format: date-time */
            createdAt: string | null;
            entities: string[];
            neighbours: string[];
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "INVALID_ARGUMENT" | "INVALID_DOCUMENT" | "VALIDATION_FAILED" | "UNAUTHENTICATED" | "PERMISSION_DENIED" | "NOT_FOUND" | "CONFLICT" | "PRECONDITION_FAILED" | "NOT_DEPLOYED" | "ARCHIVED" | "IDEMPOTENCY_KEY_REUSED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOOL_FAILED" | "OUTPUT_INVALID" | "RESOURCE_EXHAUSTED" | "RATE_LIMITED" | "QUOTA_EXCEEDED" | "BUDGET_EXCEEDED" | "APPROVAL_REQUIRED" | "APPROVAL_REJECTED" | "POLICY_DENIED" | "LOW_CONFIDENCE" | "UNAVAILABLE" | "TIMEOUT" | "INTERNAL";
                message: string;
                /** @description JSON Pointer to the offending input (body, or /query/<name>, /headers/<name>) */
                path?: string;
                /** @description Structured detail, e.g. a validation report or {quota, used, period} */
                details?: unknown;
                correlationId?: string;
                traceId?: string;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    BlueprintsController_list: {
        parameters: {
            query?: {
                /** @description Label selector, e.g. team=ops,tier!=gold (repeatable) */
                labels?: string;
                /** @description Text in the name or description */
                q?: string;
                includeArchived?: "true" | "false" | "";
                /** @description Page size; the blueprints service bounds it */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            name: string;
                            latestVersion: number;
                            description: string;
                            labels: {
                                [key: string]: string;
                            };
                            contentHash: string;
                            author: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            archivedAt: string | null;
                            valid: boolean;
                        }[];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The blueprint, YAML or JSON, kept as written */
        requestBody: {
            content: {
                "application/yaml": string;
                "application/x-yaml": string;
                "text/yaml": string;
                "text/x-yaml": string;
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Stored as version 1 (even when invalid: see validation) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Blueprint"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_get: {
        parameters: {
            query?: {
                /** @description Absent: the latest */
                version?: number;
            };
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version with its parsed document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Blueprint"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version last seen (`3` or `"3"`): 409 if the latest differs */
                "If-Match"?: string;
            };
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        /** @description The blueprint, YAML or JSON, kept as written */
        requestBody: {
            content: {
                "application/yaml": string;
                "application/x-yaml": string;
                "text/yaml": string;
                "text/x-yaml": string;
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The content equals the latest version: nothing stored (created: false) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Blueprint"] & {
                        /** @description false: same content as the latest version (200, nothing new stored) */
                        created: boolean;
                    };
                };
            };
            /** @description A new version stored (created: true) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Blueprint"] & {
                        /** @description false: same content as the latest version (200, nothing new stored) */
                        created: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_archive: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version last seen: 409 if the latest differs */
                "If-Match"?: string;
            };
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        latestVersion: number;
                        /** Format: date-time */
                        archivedAt: string;
                        changed: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** Format: date-time */
                        archivedAt: string | null;
                        items: {
                            version: number;
                            contentHash: string;
                            author: string;
                            /** Format: date-time */
                            createdAt: string;
                            valid: boolean;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Blueprint"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_diff: {
        parameters: {
            query: {
                /** @description The version to compare from (required) */
                from: number;
                /** @description Absent: the latest */
                to?: number;
            };
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        from: number;
                        to: number;
                        operations: {
                            op: string;
                            path: string;
                            from?: unknown;
                            to?: unknown;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        /** @description The draft (and an ad-hoc input) as JSON, or the draft alone as YAML */
        requestBody: {
            content: {
                "application/json": {
                    /** @description The unsaved blueprint (GET /v1/schemas/blueprint); the blueprint size limits apply. Paths in its validation report and errors point into it. */
                    blueprint: string | Record<string, never>;
                    /** @description An ad-hoc input: run as one more case named "ad-hoc", without expectation (it fails only when its run fails); its output is the case’s output. Absent or null: only the draft’s evals run */
                    input?: Record<string, never> | null;
                };
                "application/yaml": string;
                "application/x-yaml": string;
                "text/yaml": string;
                "text/x-yaml": string;
            };
        };
        responses: {
            /** @description The draft was parsed and validated as saving would, compiled, and its evals (and the ad-hoc input) run in the production sandbox on a worker (external and realWorld tools are not executed); passed or not. Nothing is saved or deployed. An invalid draft: 422 VALIDATION_FAILED with its validation report in details */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvalReport"] & {
                        /** @description The draft’s validation report for this caller (its warnings and suggestions) */
                        validation: components["schemas"]["ValidationReport"];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BlueprintsController_validate: {
        parameters: {
            query?: {
                /** @description Absent: the latest (the body’s version wins) */
                version?: number;
            };
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A version number from 1 to 2147483647; absent, null or "" means the latest */
                    version?: number | string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationReport"] & {
                        name: string | null;
                        version: number | null;
                        contentHash: string;
                        cached: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_deployments: {
        parameters: {
            query?: {
                /** @description Page size; absent: the service’s default */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        items: components["schemas"]["Deployment"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_deploy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A version number from 1 to 2147483647; absent, null or "" means the latest */
                    version?: number | string | null;
                    /**
                     * @description immediate: every new run once warmed and its evals pass; canary: canaryPercent of new runs during the window, then promoted or rolled back
                     * @enum {unknown}
                     */
                    strategy?: "immediate" | "canary" | null;
                    /** @description Share of new runs (by run id) the canary takes */
                    canaryPercent?: number | null;
                    /** @description The watch window: automatic rollback (and, for a canary, promotion at its end); 0: the blueprint’s, else the default */
                    windowSeconds?: number | null;
                    /** @description When the new version is rolled back automatically during its window */
                    thresholds?: {
                        /** @description Failed / finished runs of the new version */
                        maxFailureRate?: number | null;
                        /** @description p95 run duration of the new version */
                        maxP95Ms?: number | null;
                        /** @description Finished runs needed before the rates are judged */
                        minRuns?: number | null;
                    } | null;
                    /** @description Deploy although evals fail: needs ApproveRealWorld (403 otherwise); audited */
                    force?: boolean | null;
                };
            };
        };
        responses: {
            /** @description That version and artifact were already active: nothing changed (message says so) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Deployed: active, or canary (warmed on a live worker, evals passed or forced); 422 VALIDATION_FAILED with the eval report in details when evals fail */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_list: {
        parameters: {
            query?: {
                /** @description Page size; absent: 20 */
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant’s agents (live blueprints, by name) with what is live and their recent health; an agent whose deployment or health lookup failed is listed with that part null and a note in unavailable */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            name: string;
                            latestVersion: number;
                            description: string;
                            labels: {
                                [key: string]: string;
                            };
                            /** @description The latest version is valid */
                            valid: boolean;
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description What is live (GET /v1/agents/{name}); null when the lookup failed (see unavailable) */
                            deployment: {
                                /** @description healthy, degraded, unhealthy or unknown (no recent runs) */
                                health: string;
                                /** @description null: never deployed (or deactivated) */
                                active: {
                                    deploymentId: string;
                                    version: number;
                                    /** @description When the deployment reached its status (its last transition there, else its creation) */
                                    since: string;
                                } | null;
                                canary: {
                                    deploymentId: string;
                                    version: number;
                                    /** @description Share of new runs the canary takes */
                                    percent: number;
                                    /** @description When the deployment reached its status (its last transition there, else its creation) */
                                    since: string;
                                } | null;
                                /** @description Runs of any version not finished yet */
                                inFlightRuns: number;
                            } | null;
                            /** @description Recent outcomes over every version in the health service’s window (GET /v1/agents/{name}/health); null when the lookup failed */
                            recent: {
                                windowMs: number;
                                /** @description Runs finished in the window */
                                runs: number;
                                failed: number;
                                /** @description failed / (succeeded + failed); 0 without runs */
                                failureRate: number;
                                /** @description The highest p95 of the versions (an upper bound of the agent’s) */
                                p95Ms: number;
                            } | null;
                            unavailable: {
                                /**
                                 * @description Which lookup failed: deployment (active, canary, runs in flight) or health (recent outcomes)
                                 * @enum {string}
                                 */
                                part: "deployment" | "health";
                                /** @description The error code of the lookup, e.g. TIMEOUT or UNAVAILABLE */
                                code: string;
                                message: string;
                            }[];
                        }[];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_agent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What is live: active and canary deployments, each version’s share, runs in flight and recent health */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        /** @description healthy, degraded, unhealthy or unknown (no recent runs) */
                        health: string;
                        active: components["schemas"]["Deployment"] | null;
                        canary: components["schemas"]["Deployment"] | null;
                        versions: {
                            version: number;
                            artifactHash: string;
                            /** @description active, canary, draining (runs still in flight) or retired */
                            role: string;
                            /** @description Share of new runs */
                            percent: number;
                            inFlightRuns: number;
                            runs: number;
                            failed: number;
                            failureRate: number;
                            p95Ms: number;
                            deploymentId: string | null;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_promote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
                /** @description The deployment id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Promoted: now active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_rollback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description The version to return to; absent, null or "": the previously active one */
                    toVersion?: number | string | null;
                    /** @description Recorded on the transition */
                    reason?: string | null;
                };
            };
        };
        responses: {
            /** @description The deployment rolled back (the canary, or the active one); GET /v1/agents/{name} shows what is active now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_evals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A version number from 1 to 2147483647; absent, null or "" means the latest */
                    version?: number | string | null;
                };
            };
        };
        responses: {
            /** @description The evals’ report (passed or not); nothing is deployed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvalReport"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_health: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recent outcomes per version (the health service’s window) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        windowMs: number;
                        versions: {
                            version: number;
                            runs: number;
                            succeeded: number;
                            failed: number;
                            failureRate: number;
                            p50Ms: number;
                            p95Ms: number;
                            /** Format: date-time */
                            lastFinishedAt: string | null;
                            /**
                             * @description The latest synthetic probe; null: none
                             * @enum {unknown}
                             */
                            probe: "ok" | "failed" | null;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_triggers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The triggers of the active deployment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        items: {
                            id: string;
                            agent: string;
                            /** @enum {string} */
                            type: "schedule" | "event" | "webhook";
                            version: number;
                            cron: string | null;
                            timezone: string | null;
                            subject: string | null;
                            /** Format: date-time */
                            nextFireAt: string | null;
                            /** Format: date-time */
                            lastFiredAt: string | null;
                            fired: number;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_active: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_deployment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
                /** @description The deployment id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With its transitions, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_episodes: {
        parameters: {
            query?: {
                /** @description Text to search the episodes for */
                q?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        items: {
                            episodeId: string;
                            runId: string;
                            version: number;
                            outcome: string;
                            summary: string;
                            /** Format: date-time */
                            occurredAt: string;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AgentsController_run: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key answers with the first run (200, replayed: true) */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The agent’s input (checked against its blueprint’s input schema by the orchestrator); absent or null means {} */
                    input?: Record<string, never> | null;
                    /**
                     * @description Dispatch priority; absent, null or "" means normal
                     * @enum {unknown}
                     */
                    priority?: "high" | "normal" | "low" | "" | null;
                };
            };
        };
        responses: {
            /** @description A repeated Idempotency-Key: the first submission’s run (replayed: true) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: string;
                        status: string;
                        agent: string;
                        version: number;
                        /** @enum {string} */
                        priority: "high" | "normal" | "low";
                        /** @description true: an earlier submission with the same Idempotency-Key (200 instead of 202) */
                        replayed: boolean;
                    };
                };
            };
            /** @description Queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: string;
                        status: string;
                        agent: string;
                        version: number;
                        /** @enum {string} */
                        priority: "high" | "normal" | "low";
                        /** @description true: an earlier submission with the same Idempotency-Key (200 instead of 202) */
                        replayed: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED (the caller’s plan), QUOTA_EXCEEDED (the tenant’s monthly runs: details {quota, used, period}) or RESOURCE_EXHAUSTED */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_list: {
        parameters: {
            query?: {
                agent?: string;
                status?: string;
                /** @description ISO 8601 time: runs created at or after */
                since?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            runId: string;
                            agent: string;
                            version: number;
                            status: string;
                            priority: string;
                            attempts: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            errorCode: string | null;
                        }[];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run’s transitions, oldest first. With Accept: text/event-stream, Server-Sent Events: `event: transition` (id: its seq; send Last-Event-ID to resume after it) for each stored transition, `event: token` (no id; data {stepId, route, index, text}) for the model’s answer text as it streams while the stream is open, `event: token_dropped` (data {dropped}) once when a client that read too slowly lost tokens (transitions are never dropped), and a final `event: end` (data {runId, status, final}) when the run is final or the stream’s time is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: string;
                        status: string;
                        final: boolean;
                        items: {
                            seq: number;
                            from: string | null;
                            to: string;
                            /** Format: date-time */
                            at: string;
                            attempt: number;
                            workerId: string | null;
                            reason: string;
                            code: string | null;
                        }[];
                    };
                    "text/event-stream": string;
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string | null;
                };
            };
        };
        responses: {
            /** @description The run, cancelled (or already final) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MeshController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The mesh as the health service sees it (heartbeats) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: string;
                        services: {
                            service: string;
                            state: string;
                            instances: number;
                            lastSeenMs: number;
                            checks: {
                                [key: string]: string;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ValidationController_validate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The blueprint, YAML or JSON, kept as written */
        requestBody: {
            content: {
                "application/yaml": string;
                "application/x-yaml": string;
                "text/yaml": string;
                "text/x-yaml": string;
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The report (valid or not) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationReport"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SchemasController_schema: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description e.g. blueprint (an unknown name is 404) */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The published JSON Schema (2020-12), with an ETag */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/schema+json": Record<string, never>;
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ArtifactsController_compile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An agent/blueprint name: a DNS label */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A version number from 1 to 2147483647; absent, null or "" means the latest */
                    version?: number | string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        artifactHash: string;
                        compileMs: number;
                        cached: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ArtifactsController_describe: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hash: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hash: string;
                        blueprint: {
                            name: string;
                            version: number;
                        };
                        size: number;
                        /** Format: date-time */
                        createdAt: string;
                        compilerVersion: string;
                        tools: string[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DeadLettersController_list: {
        parameters: {
            query?: {
                status?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeadLetter"][];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DeadLettersController_retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dead letter id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Replaces the run’s input; absent keeps it */
                    input?: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Re-queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deadLetter: components["schemas"]["DeadLetter"];
                        run: {
                            runId: string;
                            agent: string;
                            status: string;
                        } | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    EscalationsController_list: {
        parameters: {
            query?: {
                status?: string;
                kind?: string;
                runId?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Escalation"][];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    EscalationsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The escalation id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Escalation"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    EscalationsController_approve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The escalation id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Why; a rejection needs one */
                    reason?: string | null;
                };
            };
        };
        responses: {
            /** @description The escalation after the decision */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Escalation"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    EscalationsController_reject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The escalation id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Why; a rejection needs one */
                    reason?: string | null;
                };
            };
        };
        responses: {
            /** @description The escalation after the decision */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Escalation"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    UsageController_query: {
        parameters: {
            query?: {
                /** @description How rows are keyed; absent: agent */
                groupBy?: "agent" | "model" | "day";
                /** @description A date (2026-11-01) or RFC 3339 time, inclusive; absent: the start of this UTC month */
                from?: string;
                /** @description A date or RFC 3339 time, exclusive; absent: now */
                to?: string;
                /** @description Only this agent’s usage */
                agent?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Model usage summed per group over [from, to); any other query parameter is refused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        groupBy: "agent" | "model" | "day";
                        from: string;
                        to: string;
                        rows: {
                            /** @description The agent, "provider/model" or the UTC day (YYYY-MM-DD) */
                            key: string;
                            calls: number;
                            inputTokens: number;
                            outputTokens: number;
                            cachedInputTokens: number;
                            costUsd: number;
                        }[];
                        total: {
                            /** @description The agent, "provider/model" or the UTC day (YYYY-MM-DD) */
                            key: string;
                            calls: number;
                            inputTokens: number;
                            outputTokens: number;
                            cachedInputTokens: number;
                            costUsd: number;
                        };
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BudgetsController_list: {
        parameters: {
            query?: {
                /** @description That agent’s budgets and the tenant’s */
                agent?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The budgets with where each stands in its current period */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Budget"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BudgetsController_putTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description UTC day or UTC calendar month */
                period: "day" | "month";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description USD the scope may spend per period (0: nothing); model calls that would pass it are refused (402 BUDGET_EXCEEDED) */
                    limitUsd: number;
                };
            };
        };
        responses: {
            /** @description The tenant’s budget as set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BudgetsController_deleteTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description UTC day or UTC calendar month */
                period: "day" | "month";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The removed budget (404 when there was none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BudgetsController_putAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The agent’s name */
                agent: string;
                /** @description UTC day or UTC calendar month */
                period: "day" | "month";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description USD the scope may spend per period (0: nothing); model calls that would pass it are refused (402 BUDGET_EXCEEDED) */
                    limitUsd: number;
                };
            };
        };
        responses: {
            /** @description The agent’s budget as set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    BudgetsController_deleteAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The agent’s name */
                agent: string;
                /** @description UTC day or UTC calendar month */
                period: "day" | "month";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The removed budget (404 when there was none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SecretsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metadata only: values are never returned */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["SecretMetadata"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SecretsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The secret’s name (referenced by blueprints) */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metadata only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SecretsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The secret’s name (referenced by blueprints) */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The secret (at most 16384 bytes as UTF-8); stored encrypted, never returned */
                    value: string;
                    /** @description What the secret is for */
                    description?: string | null;
                };
            };
        };
        responses: {
            /** @description Rotated: a new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            /** @description Created (version 1); metadata only */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SecretsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The secret’s name (referenced by blueprints) */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deleted secret’s metadata (404 when there was none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthOverviewController_overview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Services, worker liveness and the tenant’s agents */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: string;
                        services: {
                            service: string;
                            state: string;
                            instances: number;
                            lastSeenMs: number;
                            checks: {
                                [key: string]: string;
                            };
                        }[];
                        workers: {
                            workerId: string;
                            /** @description alive or dead (no heartbeat for the liveness window) */
                            state: string;
                            lastSeenMs: number;
                            inFlight: number;
                            slots: number;
                        }[];
                        agents: {
                            agent: string;
                            version: number;
                            /** @description healthy, degraded or unhealthy */
                            state: string;
                            runs: number;
                            failureRate: number;
                            p95Ms: number;
                            reason: string | null;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Webhook"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Where events are POSTed; loopback, private, link-local and metadata addresses are refused unless an operator allows the host */
                    url: string;
                    /** @description Event types to deliver */
                    events: ("deployment.pending" | "deployment.warming" | "deployment.canary" | "deployment.active" | "deployment.failed" | "deployment.rolled_back" | "deployment.superseded" | "deployment.*" | "run.succeeded" | "run.failed" | "run.cancelled" | "run.*")[];
                    /** @description The signing secret (16 to 256 bytes as UTF-8): x-af-signature t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; stored in the secrets service, never returned */
                    secret: string;
                    description?: string | null;
                    /** @description Only this agent’s events; absent, null or "": every agent */
                    agent?: string | null;
                };
            };
        };
        responses: {
            /** @description Created (the secret is never returned) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deleted webhook (404 when there was none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                /** @description Page size; absent: the service’s default */
                limit?: number;
                /** @description next of the previous page */
                after?: string;
            };
            header?: never;
            path: {
                /** @description The webhook id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            webhookId: string;
                            /** @description x-af-event-id: the same across retries */
                            eventId: string;
                            eventType: string;
                            attempt: number;
                            /** @enum {string} */
                            status: "pending" | "retrying" | "delivered" | "failed";
                            responseStatus: number | null;
                            error: string | null;
                            durationMs: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            nextAttemptAt: string | null;
                            /** Format: date-time */
                            deliveredAt: string | null;
                        }[];
                        /** @description Pass as ?after= for the next page; null on the last */
                        next: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HooksController_hook: {
        parameters: {
            query?: never;
            header: {
                /** @description t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> under the trigger’s secret; stale (> 5 min) or replayed: 401 */
                "x-af-signature": string;
            };
            path: {
                /** @description The tenant id (no token: the signature authenticates) */
                tenant: string;
                /** @description The agent’s name */
                agent: string;
                /** @description The webhook trigger’s id in the blueprint */
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description The run it started. 401 UNAUTHENTICATED (bad, stale or replayed signature), 404 (no such trigger), 413, 415 (not JSON), 429 RATE_LIMITED (per tenant and trigger) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: string;
                        status: string;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_store: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description What to remember (not blank, at most 16384 bytes as UTF-8): stored episodically (full-text), its entities extracted into the graph and embedded */
                    content: string;
                    /** @description The person or thing the memory is about (1 to 128 letters, digits, _ . @ + -); forgotten with DELETE /v1/memory/subjects/{subjectId} */
                    subjectId?: string | null;
                    /** @description Where it came from; absent: api */
                    source?: string | null;
                    /** @description Any JSON object (at most 8192 bytes as JSON) */
                    metadata?: Record<string, never> | null;
                    /** @description The agent the memory belongs to (what its access level sees); absent: the organization */
                    agent?: string | null;
                };
            };
        };
        responses: {
            /** @description Stored in every tier; the entities extracted into the graph */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        entities: string[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_search: {
        parameters: {
            query?: {
                /** @description The text to search for (required for tier=semantic; absent: the latest episodic memories; tier=working: a substring) */
                query?: string;
                /** @description Absent: episodic and semantic merged */
                tier?: "working" | "episodic" | "semantic";
                /** @description Only memories about this subject */
                subjectId?: string;
                /** @description Only this agent’s memories */
                agent?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
                /** @description RFC 3339, inclusive (episodic) */
                since?: string;
                /** @description RFC 3339, exclusive (episodic) */
                until?: string;
                /** @description tier=working (with agent and scopeId): run, thread or user */
                scope?: "run" | "thread" | "user";
                /** @description tier=working: the scope’s id */
                scopeId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Best first; any other query parameter is refused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MemoryItem"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_graph: {
        parameters: {
            query: {
                /** @description An entity’s name */
                entity: string;
                /** @description Hops from the entity; absent: 1 */
                depth?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entity (null when unknown), its neighbours and the relations between them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: {
                            name: string;
                            /** @description person, organization, email, amount, date or concept */
                            kind: string;
                            mentions: number;
                        } | null;
                        nodes: {
                            name: string;
                            /** @description person, organization, email, amount, date or concept */
                            kind: string;
                            mentions: number;
                        }[];
                        edges: {
                            from: string;
                            to: string;
                            relation: string;
                            weight: number;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_getWorking: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The agent’s name */
                agent: string;
                /** @description run, thread or user */
                scope: "run" | "thread" | "user";
                /** @description The run, thread or user id */
                scopeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document, its version, the message window and the TTL left */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        /** @enum {string} */
                        scope: "run" | "thread" | "user";
                        scopeId: string;
                        document: Record<string, never>;
                        version: number;
                        messages: string[];
                        /** @description Seconds left; -1: no expiry */
                        ttlSeconds: number;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_putWorking: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The agent’s name */
                agent: string;
                /** @description run, thread or user */
                scope: "run" | "thread" | "user";
                /** @description The run, thread or user id */
                scopeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The whole new document (a JSON object, at most 65536 bytes as JSON) */
                    document: Record<string, never>;
                    /** @description The version it replaces (0 creates): 409 CONFLICT when the stored one differs */
                    expectedVersion: number;
                    /** @description Appended to the message window (oldest dropped past its bound); each at most 4096 bytes */
                    appendMessages?: string[] | null;
                    /** @description Seconds until it expires; absent or 0: the blueprint’s or the configured default */
                    ttlSeconds?: number | null;
                    /** @description The person or thing the memory is about (1 to 128 letters, digits, _ . @ + -); forgotten with DELETE /v1/memory/subjects/{subjectId} */
                    subjectId?: string | null;
                };
            };
        };
        responses: {
            /** @description Stored as the next version; 409 CONFLICT when expectedVersion is not the stored version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agent: string;
                        /** @enum {string} */
                        scope: "run" | "thread" | "user";
                        scopeId: string;
                        document: Record<string, never>;
                        version: number;
                        messages: string[];
                        /** @description Seconds left; -1: no expiry */
                        ttlSeconds: number;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_forget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The subject to forget */
                subjectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed from every tier (audited), with what a read-back found */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        subjectId: string;
                        workingDeleted: number;
                        episodicDeleted: number;
                        semanticDeleted: number;
                        /** @description A read-back in each store found nothing of the subject left */
                        verified: boolean;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoryController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The memory id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryItem"];
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process answers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "up";
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_startup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Started (503 with status: starting before) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "up" | "starting";
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every dependency up (503 with the same body when one is down) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "up" | "down";
                        checks: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "down";
                                ms: number;
                                error?: string;
                            };
                        };
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                action?: string;
                actor?: string;
                resourceType?: string;
                resourceId?: string;
                /** @description Inclusive */
                since?: string;
                /** @description Exclusive */
                until?: string;
                /** @description Page size; absent: the service’s default */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first; any other query parameter is refused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditRecord"][];
                        /** @description Pass as ?cursor= for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AuditController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant’s hash chain checked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        valid: boolean;
                        checked: number;
                        headSeq: number;
                        headHash: string | null;
                        problems: {
                            seq: number;
                            eventId: string | null;
                            kind: string;
                            message: string;
                        }[];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Newest first, never the key itself */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Not blank */
                    name: string;
                    /** @description Each must be within the creator’s own permissions (else 403) */
                    roles: ("Viewer" | "Developer" | "ProductManager" | "Administrator")[];
                    /** @description An ISO 8601 date-time with a zone, in the future; absent or null: never expires */
                    expiresAt?: string | null;
                };
            };
        };
        responses: {
            /** @description Created: the key is in this answer only */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"] & {
                        /** @description The key itself (`afk_…`): shown this once, never again */
                        key: string;
                    };
                };
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (also when it already was) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input, with the path at fault (INVALID_ARGUMENT, INVALID_DOCUMENT) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credential (UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (PERMISSION_DENIED, APPROVAL_REQUIRED, POLICY_DENIED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description RATE_LIMITED: the caller’s plan allows no more requests now */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in that window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window has room again */
                    "RateLimit-Reset"?: number;
                    /** @description The plan’s windows, e.g. `30;w=1, 600;w=60` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency is unavailable or the gateway is busy (UNAVAILABLE) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Any other error, same body */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
