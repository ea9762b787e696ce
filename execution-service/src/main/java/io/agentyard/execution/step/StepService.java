package io.agentyard.execution.step;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.execution.execution.ExecutionRepository;
import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.execution.live.LiveFeed;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Steps: the worker holding a running execution starts and finishes them; readers list them in order. */
@ApplicationScoped
public class StepService {

    private final ExecutionStepRepository steps;
    private final ExecutionRepository executions;
    private final ExecutionService executionService;
    private final LiveFeed live;

    StepService(ExecutionStepRepository steps, ExecutionRepository executions, ExecutionService executionService,
                LiveFeed live) {
        this.steps = steps;
        this.executions = executions;
        this.executionService = executionService;
        this.live = live;
    }

    public Uni<List<StepDtos.StepResponse>> list(Caller caller, UUID executionId) {
        return executionService.readable(caller, executionId)
                .chain(execution -> Panache.withSession(() -> steps.ofExecution(executionId)))
                .map(found -> found.stream().map(StepDtos.StepResponse::from).toList());
    }

    public Uni<StepDtos.StepResponse> start(Caller caller, UUID executionId, StepDtos.Start request) {
        return executionService.writable(caller, executionId)
                .chain(held -> Panache.withTransaction(() -> executions.nextStepPosition(executionId).chain(position -> {
                    ExecutionStep step = new ExecutionStep();
                    step.id = UUID.randomUUID();
                    step.executionId = executionId;
                    step.position = position;
                    step.name = request.name();
                    step.type = request.type();
                    step.status = ExecutionStep.Status.running;
                    step.inputData = request.input();
                    step.startedAt = Instant.now();
                    step.createdAt = step.startedAt;
                    return steps.persist(step);
                })))
                .map(StepDtos.StepResponse::from)
                .call(step -> live.publish(executionId, LiveFeed.STEP, step));
    }

    public Uni<StepDtos.StepResponse> finish(Caller caller, UUID executionId, UUID stepId, StepDtos.Finish request) {
        ExecutionStep.Status outcome = request.status() == null ? ExecutionStep.Status.completed : request.status();
        if (outcome == ExecutionStep.Status.running) {
            return Uni.createFrom().failure(ProblemException.invalidField("status", "must be completed or failed"));
        }
        return executionService.writable(caller, executionId)
                .chain(held -> Panache.withTransaction(() -> steps.findById(stepId).map(step -> {
                    if (step == null || !step.executionId.equals(executionId)) {
                        throw ProblemException.notFound("step", stepId);
                    }
                    if (step.status != ExecutionStep.Status.running) {
                        throw ProblemException.conflict("step " + stepId + " has finished (" + step.status + ")");
                    }
                    step.status = outcome;
                    step.outputData = request.output();
                    step.errorMessage = request.error();
                    step.completedAt = Instant.now();
                    return StepDtos.StepResponse.from(step);
                })))
                .call(step -> live.publish(executionId, LiveFeed.STEP, step));
    }
}
