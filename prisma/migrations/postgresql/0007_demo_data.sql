-- CreateTable
CREATE TABLE "DemoData" (
    "organisationId" TEXT NOT NULL,
    "writtenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "responses" INTEGER NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "DemoData_pkey" PRIMARY KEY ("organisationId")
);

