package dev.cartwheel.systemtests;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts every AWS call made by the SDK clients of this test JVM, by service and operation, and the DynamoDB
 * capacity units they consumed (it asks for {@code ReturnConsumedCapacity=TOTAL}). Registered for every client
 * through the SDK's global {@code execution.interceptors} resource of this test module: no production code knows.
 * Counts only between {@link #start()} and {@link #stop()}.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

    private static volatile boolean counting;
    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    private static final DoubleAdder READ_UNITS = new DoubleAdder();
    private static final DoubleAdder WRITE_UNITS = new DoubleAdder();

    static void start() {
        CALLS.clear();
        READ_UNITS.reset();
        WRITE_UNITS.reset();
        counting = true;
    }

    static void stop() {
        counting = false;
    }

    static Map<String, Long> calls() {
        Map<String, Long> snapshot = new TreeMap<>();
        CALLS.forEach((key, count) -> snapshot.put(key, count.sum()));
        return snapshot;
    }

    static double readUnits() {
        return READ_UNITS.sum();
    }

    static double writeUnits() {
        return WRITE_UNITS.sum();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!counting) {
            return context.request();
        }
        SdkRequest request = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (request instanceof GetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof PutItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof UpdateItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof QueryRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchGetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof TransactWriteItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(service + "." + operation, key -> new LongAdder()).increment();
        SdkResponse response = context.response();
        if (response instanceof GetItemResponse r) {
            read(List.of(r.consumedCapacity()));
        } else if (response instanceof QueryResponse r) {
            read(List.of(r.consumedCapacity()));
        } else if (response instanceof BatchGetItemResponse r) {
            read(r.consumedCapacity());
        } else if (response instanceof PutItemResponse r) {
            write(List.of(r.consumedCapacity()));
        } else if (response instanceof UpdateItemResponse r) {
            write(List.of(r.consumedCapacity()));
        } else if (response instanceof TransactWriteItemsResponse r) {
            write(r.consumedCapacity());
        }
    }

    /** A call the service refused (a failed condition, typically) is made and billed too: counted apart, by kind. */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String failure = context.exception().getClass().getSimpleName();
        CALLS.computeIfAbsent(service + "." + operation + " (" + failure + ")", key -> new LongAdder()).increment();
    }

    private static void read(List<ConsumedCapacity> capacities) {
        capacities.stream().filter(c -> c != null && c.capacityUnits() != null).forEach(c -> READ_UNITS.add(c.capacityUnits()));
    }

    private static void write(List<ConsumedCapacity> capacities) {
        capacities.stream().filter(c -> c != null && c.capacityUnits() != null).forEach(c -> WRITE_UNITS.add(c.capacityUnits()));
    }
}
